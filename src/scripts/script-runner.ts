/**
 * What every script of one command shares, built once: the environment values, the shell,
 * and the PATH shims for what this machine lacks (`node` when no Node.js is on PATH,
 * `node-gyp` when there is none). `createScriptRunner` returns a function that runs one
 * script with npm's environment and banner; the shims are written on the first script run,
 * so a command that runs none touches nothing.
 */
import { SkiffError } from '../error/index.ts'
import { commonScriptEnv, scriptEnv, shellQuote, type Env } from './script-env.ts'
import { findExecutable, prepareShims } from './shims.ts'
import { spawnScript, type ScriptResult } from './spawn-script.ts'

export interface ScriptRunnerOptions {
  /** the environment skiff was started with */
  env: Readonly<Record<string, string | undefined>>
  /** Config.exported */
  settings: Readonly<Record<string, string>>
  globalPrefix: string
  /** script-shell (default sh) */
  shell?: string
  userAgent: string
  projectDir: string
  /** skiff's cache root, where the shims live */
  cacheDir: string
  /** the folder skiff was started in (INIT_CWD) */
  initCwd: string
  /** npm_command */
  command: string
  /** how to start skiff: [executable] or [bun, main.ts] */
  skiff: readonly string[]
  /** the executable that is the Bun runtime with BUN_BE_BUN=1 */
  runtime: string
  color: boolean
  /** banners of scripts run in the foreground ('\n> pkg@1.0.0 build\n> tsc\n\n') */
  banner?: (text: string) => void
  signal?: AbortSignal
}

export interface ScriptRequest {
  /** the folder the script runs in (the package's) */
  dir: string
  event: string
  script: string
  /** appended to the script, quoted for sh */
  args?: readonly string[]
  /** the package's package.json (for npm_package_*) */
  manifest: Readonly<Record<string, unknown>>
  extra?: Readonly<Env>
  /** folders put first on PATH */
  binPaths?: readonly string[]
  stdio: 'inherit' | 'pipe'
}

export type ScriptRunner = (request: ScriptRequest) => Promise<ScriptResult>

export function createScriptRunner(options: ScriptRunnerOptions): ScriptRunner {
  let prepared: Promise<{ common: Env; shimPaths: string[] }> | undefined
  const shell = options.shell || 'sh'
  return async (request) => {
    prepared ??= prepare(options)
    const { common, shimPaths } = await prepared
    const command = [request.script, ...(request.args ?? []).map(shellQuote)].join(' ')
    if (request.stdio === 'inherit') options.banner?.(bannerOf(request))
    const env = scriptEnv({
      baseEnv: options.env,
      common,
      dir: request.dir,
      event: request.event,
      script: request.script,
      manifest: request.manifest,
      extra: request.extra,
      binPaths: request.binPaths,
      shimPaths,
    })
    return spawnScript({ shell, command, cwd: request.dir, env, stdio: request.stdio, signal: options.signal })
  }
}

async function prepare(options: ScriptRunnerOptions): Promise<{ common: Env; shimPaths: string[] }> {
  const shims = await prepareShims({ cacheDir: options.cacheDir, skiff: options.skiff, runtime: options.runtime })
  const pathValue = options.env.PATH ?? ''
  const realNode = findExecutable('node', pathValue)
  const shimPaths: string[] = []
  if (realNode === undefined) shimPaths.push(shims.nodeDir)
  if (findExecutable('node-gyp', pathValue) === undefined) shimPaths.push(shims.gypDir)
  const common = commonScriptEnv({
    settings: options.settings,
    globalPrefix: options.globalPrefix,
    userAgent: options.userAgent,
    projectDir: options.projectDir,
    initCwd: options.initCwd,
    command: options.command,
    nodeExecPath: realNode ?? shims.node,
    npmExecPath: shims.npmCli,
    color: options.color,
  })
  return { common, shimPaths }
}

/** npm's banner: `> name@version event` and `> script args`, between blank lines. */
export function bannerOf(request: Pick<ScriptRequest, 'event' | 'script' | 'args' | 'manifest'>): string {
  const { name, version } = request.manifest
  const id = typeof name === 'string' && name !== '' && typeof version === 'string' && version !== '' ? `${name}@${version} ` : ''
  const args = request.args && request.args.length > 0 ? ` ${request.args.join(' ')}` : ''
  return `\n> ${id}${request.event}\n> ${request.script.trim().replace(/\n/g, '\n> ')}${args}\n\n`
}

const TAIL_LINES = 20

/** ELIFECYCLE naming the package, the phase, the script, the exit code and the end of its output. */
export function lifecycleError(failure: { pkg: string; event: string; script: string; dir: string; result: ScriptResult }): SkiffError {
  const { result } = failure
  const how = result.signal ? `was stopped by ${result.signal}` : `exited with code ${result.code}`
  const lines = result.output.split(/\r?\n/).filter((line) => line.trim() !== '').slice(-TAIL_LINES)
  const needsCompiler = /(^|\s)node-gyp\b/.test(failure.script)
  return new SkiffError('ELIFECYCLE', `${failure.pkg} ${failure.event}: \`${failure.script}\` ${how}`, {
    pkg: failure.pkg,
    path: failure.dir,
    lines,
    hint: needsCompiler
      ? 'node-gyp compiles native code: it needs python3, make and a C++ compiler on PATH'
      : lines.length > 0
        ? 'the lines above are the end of its output; --foreground-scripts shows all of it as it runs'
        : undefined,
  })
}
