/**
 * `skiff run <event> [-- args]` in one folder, as npm's run command does it:
 *   - `restart` with no script is `skiff stop --if-present && skiff start`; `env` with no
 *     script is `env`; `start` with no script and a server.js is `node server.js`;
 *   - a missing script is EMISSINGSCRIPT (suggesting close names), or nothing with --if-present;
 *   - `pre<event>` and `post<event>` run around it unless --ignore-scripts; the arguments go
 *     to the event itself only;
 *   - every script runs in the foreground; the first that fails ends the run, and its exit
 *     code is the result.
 */
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { closeMatches, SkiffError } from '../error/index.ts'
import { readProjectPackageJson } from '../lockfile/index.ts'
import { shellQuote } from './script-env.ts'
import type { ScriptRunner } from './script-runner.ts'

export interface RunRequest {
  dir: string
  event: string
  args: readonly string[]
  ifPresent: boolean
  ignoreScripts: boolean
  /** how scripts can start skiff (for the default restart script) */
  skiff: readonly string[]
  /** set when the run names a workspace, for the hint of a missing script */
  workspace?: string
}

export interface RunResult {
  /** 0, or the exit code of the script that failed */
  code: number
  /** the event whose script failed */
  failed?: string
  signal?: string | null
}

export async function runPackageScript(run: ScriptRunner, request: RunRequest): Promise<RunResult> {
  const manifest = await readManifest(request.dir)
  const scripts = scriptsOf(manifest)
  const { event } = request
  const skiff = request.skiff.map(shellQuote).join(' ')
  if (event === 'restart' && scripts.restart === undefined) scripts.restart = `${skiff} stop --if-present && ${skiff} start`
  if (event === 'env' && scripts.env === undefined) scripts.env = 'env'
  if (event === 'start' && scripts.start === undefined && (await isFile(path.join(request.dir, 'server.js')))) scripts.start = 'node server.js'
  if (scripts[event] === undefined) {
    if (request.ifPresent) return { code: 0 }
    throw missingScript(event, scripts, request.workspace)
  }
  const events: Array<[string, readonly string[]]> = [[event, request.args]]
  if (!request.ignoreScripts) {
    if (scripts[`pre${event}`] !== undefined) events.unshift([`pre${event}`, []])
    if (scripts[`post${event}`] !== undefined) events.push([`post${event}`, []])
  }
  for (const [name, args] of events) {
    const result = await run({ dir: request.dir, event: name, script: scripts[name] as string, args, manifest, stdio: 'inherit' })
    if (result.code !== 0) return { code: result.code, failed: name, signal: result.signal }
  }
  return { code: 0 }
}

/** A folder's package.json; none is ENOPACKAGEJSON naming the folder. */
export async function readManifest(dir: string): Promise<Record<string, unknown>> {
  return (await readProjectPackageJson(dir)).data
}

export function scriptsOf(manifest: Readonly<Record<string, unknown>>): Record<string, string> {
  const raw = manifest.scripts
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {}
  const scripts: Record<string, string> = {}
  for (const [name, script] of Object.entries(raw)) if (typeof script === 'string') scripts[name] = script
  return scripts
}

function missingScript(event: string, scripts: Record<string, string>, workspace: string | undefined): SkiffError {
  const close = closeMatches(event, Object.keys(scripts))
  const lines = close.length > 0 ? [`Did you mean ${close.length === 1 ? 'this' : 'one of these'}?`, ...close.slice(0, 3).map((name) => `  skiff run ${name}`)] : []
  return new SkiffError('EMISSINGSCRIPT', `Missing script: "${event}"`, {
    lines,
    hint: `to see a list of scripts, run: skiff run${workspace === undefined ? '' : ` --workspace=${workspace}`}`,
  })
}

const LIFECYCLE_EVENTS = new Set([
  'prepare', 'prepublishOnly', 'prepack', 'postpack', 'dependencies',
  'preinstall', 'install', 'postinstall', 'prepublish', 'publish', 'postpublish',
  'prerestart', 'restart', 'postrestart', 'prestart', 'start', 'poststart',
  'prestop', 'stop', 'poststop', 'pretest', 'test', 'posttest',
  'preuninstall', 'uninstall', 'postuninstall', 'preversion', 'version', 'postversion',
])

/**
 * `skiff run` with no event: the scripts of a package.json, as npm lists them (lifecycle
 * scripts first, then the others), or nothing when there are none.
 */
export function listScripts(manifest: Readonly<Record<string, unknown>>, format: 'text' | 'parseable', workspace?: string): string[] {
  const entries = Object.entries(scriptsOf(manifest))
  if (entries.length === 0) return []
  if (format === 'parseable') return entries.map(([name, script]) => [...(workspace ? [workspace] : []), name, script].join(':'))
  const name = typeof manifest.name === 'string' ? manifest.name : ''
  const id = name !== '' && typeof manifest.version === 'string' && manifest.version !== '' ? `${name}@${manifest.version}` : name
  const lifecycle = entries.filter(([event]) => LIFECYCLE_EVENTS.has(event))
  const others = entries.filter(([event]) => !LIFECYCLE_EVENTS.has(event))
  const lines: string[] = []
  const describe = ([event, script]: [string, string]) => [`  ${event}`, `    ${script}`]
  if (lifecycle.length > 0) {
    lines.push(`Lifecycle scripts included in ${id}:`, ...lifecycle.flatMap(describe))
  }
  if (others.length > 0) {
    lines.push(lifecycle.length > 0 ? 'available via `skiff run`:' : `Scripts available in ${id} via \`skiff run\`:`, ...others.flatMap(describe))
  }
  return lines
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then((found) => found.isFile(), () => false)
}
