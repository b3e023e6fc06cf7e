/**
 * The environment a package script sees, as npm 11 builds it (@npmcli/config set-envs,
 * @npmcli/run-script make-spawn-args, package-envs, set-path):
 *   - the caller's environment, then the command-wide values (`npm_config_*` for the settings
 *     npm passes: config/exported-settings.ts, the global and local prefixes, INIT_CWD, npm_command, npm_execpath, npm_node_execpath and NODE, COLOR),
 *   - then the caller's extras (`npm_package_resolved`, `_integrity`, `_optional`, ... for
 *     dependencies), then `npm_package_name`, `_version`, and the flattened `config`,
 *     `engines` and `bin` fields (npm 7+ exports only these), `npm_package_json`,
 *     `npm_lifecycle_event`, `npm_lifecycle_script`;
 *   - PATH: the extra bin folders, `node_modules/.bin` of the script's folder and of every
 *     folder above it, the shim folders, then the caller's PATH.
 * BUN_BE_BUN is never passed on: a skiff executable started by a script must stay skiff.
 */
import path from 'node:path'

export type Env = Record<string, string>

export interface CommonEnvInput {
  /** Config.exported: the settings npm passes to scripts, by key */
  settings: Readonly<Record<string, string>>
  /** npm's global prefix (npm_config_global_prefix) */
  globalPrefix: string
  userAgent: string
  projectDir: string
  initCwd: string
  /** the command that runs the scripts: install, ci, run, exec, rebuild, test ... */
  command: string
  /** what `node` is for scripts: the real node on PATH, or skiff's shim */
  nodeExecPath: string
  /** what `npm` is for scripts (scripts run `node "$npm_execpath" run x`) */
  npmExecPath: string
  color: boolean
}

/** The values every script of one command shares. */
export function commonScriptEnv(input: CommonEnvInput): Env {
  const env: Env = {}
  for (const [key, value] of Object.entries(input.settings)) env[configEnvName(key)] = value
  env.npm_config_user_agent = input.userAgent
  env.npm_config_global_prefix = input.globalPrefix
  env.npm_config_local_prefix = input.projectDir
  env.INIT_CWD = input.initCwd
  env.npm_command = input.command
  env.npm_execpath = input.npmExecPath
  env.npm_node_execpath = input.nodeExecPath
  env.NODE = input.nodeExecPath
  env.COLOR = input.color ? '1' : '0'
  return env
}

export function configEnvName(key: string): string {
  return `npm_config_${key.replace(/-/g, '_').toLowerCase()}`
}

export interface ScriptEnvInput {
  baseEnv: Readonly<Record<string, string | undefined>>
  common: Readonly<Env>
  /** the folder the script runs in */
  dir: string
  event: string
  script: string
  /** the package.json of the package whose script it is */
  manifest: Readonly<Record<string, unknown>>
  /** per-package values set by the caller (dependency flags, resolved, integrity) */
  extra?: Readonly<Env>
  /** folders put before everything else on PATH */
  binPaths?: readonly string[]
  /** folders after the node_modules/.bin ones and before the caller's PATH */
  shimPaths?: readonly string[]
}

export function scriptEnv(input: ScriptEnvInput): Env {
  const env: Env = {}
  for (const [key, value] of Object.entries(input.baseEnv)) if (value !== undefined) env[key] = value
  Object.assign(env, input.common, input.extra ?? {}, packageEnv(input.manifest))
  env.npm_package_json = path.join(input.dir, 'package.json')
  env.npm_lifecycle_event = input.event
  env.npm_lifecycle_script = input.script
  delete env.BUN_BE_BUN
  const pathKeys = Object.keys(env).filter((key) => /^path$/i.test(key))
  const basePath = mergedPath(pathKeys.map((key) => env[key] ?? ''))
  const value = scriptPath(input.dir, input.binPaths ?? [], input.shimPaths ?? [], basePath)
  if (pathKeys.length === 0) env.PATH = value
  for (const key of pathKeys) env[key] = value
  return env
}

/** `name`, `version`, and the `config`, `engines` and `bin` fields flattened with `_`. */
export function packageEnv(manifest: Readonly<Record<string, unknown>>): Env {
  const env: Env = {}
  const fields: Record<string, unknown> = {
    name: manifest.name,
    version: manifest.version,
    config: manifest.config,
    engines: manifest.engines,
    bin: manifest.bin,
  }
  flatten(fields, 'npm_package_', env)
  return env
}

function flatten(values: Record<string, unknown>, prefix: string, env: Env): void {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue
    if (value === null || value === false) env[`${prefix}${key}`] = ''
    else if (Array.isArray(value)) value.forEach((item, index) => flatten({ [`${key}_${index}`]: item }, prefix, env))
    else if (typeof value === 'object') flatten(value as Record<string, unknown>, `${prefix}${key}_`, env)
    else env[`${prefix}${key}`] = String(value)
  }
}

/** PATH entries from several variables (Path, PATH), each kept once, in order. */
function mergedPath(values: readonly string[]): string {
  const seen: string[] = []
  for (const value of values) for (const entry of value.split(path.delimiter)) if (!seen.includes(entry)) seen.push(entry)
  return seen.join(path.delimiter)
}

export function scriptPath(dir: string, binPaths: readonly string[], shimPaths: readonly string[], basePath: string): string {
  const entries = [...binPaths]
  let current = path.resolve(dir)
  for (;;) {
    entries.push(path.join(current, 'node_modules', '.bin'))
    const parent = path.dirname(current)
    if (parent === current) break
    current = parent
  }
  entries.push(...shimPaths)
  if (basePath !== '') entries.push(basePath)
  return entries.join(path.delimiter)
}

/** An argument quoted for `sh -c` the way npm appends `-- args` to a script. */
export function shellQuote(arg: string): string {
  if (arg === '') return `''`
  if (!/[\t\n\r "#$&'()*;<>?\\`|~]/.test(arg)) return arg
  return `'${arg.replace(/'/g, `'\\''`)}'`
}
