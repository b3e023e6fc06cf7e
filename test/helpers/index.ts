/**
 * Helpers for tests that run skiff as a user does: a temp project, a hermetic environment
 * (its own HOME, cache and registry, no inherited npm settings) and one function that runs
 * the CLI and collects { code, stdout, stderr }.
 *
 * SKIFF_TEST_BIN points at a built executable (CI sets it to dist/skiff); without it the
 * source entry runs under bun.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { compileSkiff, hostTargetName, targetNamed } from '../../release/index.ts'

const repoRoot = path.resolve(import.meta.dir, '../..')

export interface SkiffRun {
  code: number
  stdout: string
  stderr: string
}

export interface TempDir extends AsyncDisposable {
  path: string
}

export function tempDir(prefix = 'skiff-test-'): TempDir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  return {
    path: dir,
    async [Symbol.asyncDispose]() {
      await fs.promises.rm(dir, { recursive: true, force: true })
    },
  }
}

/** The command that starts skiff: the built executable when SKIFF_TEST_BIN is set, else bun + the source entry. */
export function skiffCommand(): string[] {
  const bin = process.env.SKIFF_TEST_BIN
  if (bin) return [bin]
  return [process.execPath, path.join(repoRoot, 'src/cli/main.ts')]
}

export interface RunOptions {
  /** the registry every package comes from */
  registry?: string
  /** the store; default: a `cache` folder beside the project */
  cache?: string
  /** HOME; default: a `home` folder beside the project */
  home?: string
  env?: Record<string, string | undefined>
  /** kill the process with this signal after `afterMs` */
  kill?: { signal: NodeJS.Signals; afterMs: number }
}

export function hermeticEnv(cwd: string, options: RunOptions = {}): Record<string, string> {
  const base = path.dirname(cwd)
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue
    if (/^npm_|^NPM_|^XDG_|^SKIFF_|^NODE_ENV$|^CI$/i.test(key)) continue
    env[key] = value
  }
  env.HOME = options.home ?? path.join(base, 'home')
  env.SKIFF_CACHE_DIR = options.cache ?? path.join(base, 'cache')
  env.CI = 'true'
  // test/reliability/node-fs/: the same tests with native-io off (node:fs only, no bun:ffi)
  if (process.env.SKIFF_TEST_NATIVE_IO === 'false') env.npm_config_native_io = 'false'
  if (options.registry) env.npm_config_registry = options.registry
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key]
    else env[key] = value
  }
  fs.mkdirSync(env.HOME, { recursive: true })
  return env
}

export async function runSkiff(cwd: string, args: string[], options: RunOptions = {}): Promise<SkiffRun> {
  const child = Bun.spawn([...skiffCommand(), ...args], {
    cwd,
    env: hermeticEnv(cwd, options),
    stdout: 'pipe',
    stderr: 'pipe',
    stdin: 'ignore',
  })
  let timer: ReturnType<typeof setTimeout> | undefined
  if (options.kill) {
    const { signal, afterMs } = options.kill
    timer = setTimeout(() => child.kill(signal), afterMs)
  }
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ])
  if (timer) clearTimeout(timer)
  return { code, stdout, stderr }
}

/** Every file, folder and symlink under `dir`, as sorted relative paths with a type mark. */
export function listTree(dir: string): string[] {
  const out: string[] = []
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`
      if (entry.isSymbolicLink()) out.push(`${child} -> ${fs.readlinkSync(path.join(dir, child))}`)
      else if (entry.isDirectory()) {
        out.push(`${child}/`)
        walk(child)
      } else out.push(child)
    }
  }
  if (fs.existsSync(dir)) walk('')
  return out.sort()
}

export function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'))
}

/**
 * The compiled executable: SKIFF_TEST_BIN, else one built for this machine into `dir` by the
 * same code as build.ts (release/compile.ts).
 */
export async function compiledSkiff(dir: string): Promise<string> {
  const bin = process.env.SKIFF_TEST_BIN
  if (bin) return bin
  const target = targetNamed(hostTargetName())
  if (!target) throw new Error(`no build target for this machine (${hostTargetName()})`)
  const outfile = path.join(dir, target.exe)
  const problem = await compileSkiff(target, outfile)
  if (problem) throw new Error(`could not build skiff: ${problem}`)
  return outfile
}

/**
 * A folder for PATH that holds only the named tools (links to this machine's; missing ones are
 * left out): a machine without node, curl or whatever is not named.
 */
export function toolsOnlyPath(dir: string, tools: readonly string[]): string {
  fs.mkdirSync(dir, { recursive: true })
  for (const tool of tools) {
    const found = Bun.which(tool)
    if (found) fs.symlinkSync(found, path.join(dir, tool))
  }
  return dir
}
