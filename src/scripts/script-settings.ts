/**
 * The script settings of one command, from the config and the root package.json: the
 * allowScripts policy (resolve-allow-scripts precedence), --ignore-scripts,
 * --dangerously-allow-all-scripts, --foreground-scripts, and how many scripts of one phase
 * run at once (npm's promise-call-limit default: one fewer than the cores, at least one).
 * Also how package scripts start skiff and its Bun runtime.
 */
import { parseAllowScriptsList, resolvePolicy, type Policy } from './allow-scripts.ts'

export interface ScriptSettingsInput {
  /** Config.raw */
  raw: Readonly<Record<string, string>>
  ignoreScripts: boolean
  /** `--allow-scripts` as given on the command line */
  flagAllowScripts?: string
  /** `npm_config_allow_scripts` from the environment */
  envAllowScripts?: string
  /** the root package.json */
  packageJson: Readonly<Record<string, unknown>>
  /** false for exec: no project policy, and the flag is welcome */
  projectScoped: boolean
  projectDir: string
  cores: number
}

export interface ScriptSettings {
  policy: Policy | null
  ignoreScripts: boolean
  dangerouslyAllowAllScripts: boolean
  /** --strict-allow-scripts: an unreviewed install script fails the install before any script runs */
  strict: boolean
  foreground: boolean
  concurrency: number
  warnings: string[]
}

export function scriptSettings(input: ScriptSettingsInput): ScriptSettings {
  // scripts inherit npm_config_allow_scripts='' from their install: empty is unset
  const fromCommandLine = [input.flagAllowScripts, input.envAllowScripts].find((value) => value !== undefined && value.trim() !== '')
  const cli = fromCommandLine === undefined ? undefined : parseAllowScriptsList(fromCommandLine)
  // Config.raw holds the winning value: the .npmrc one when neither the flag nor env set it
  const npmrc = fromCommandLine === undefined ? parseAllowScriptsList(input.raw['allow-scripts'] ?? '') : undefined
  const resolved = resolvePolicy({
    ...(cli === undefined ? {} : { cli }),
    ...(npmrc === undefined ? {} : { npmrc }),
    packageJson: input.packageJson.allowScripts,
    projectScoped: input.projectScoped,
    projectDir: input.projectDir,
  })
  return {
    policy: resolved.policy,
    ignoreScripts: input.ignoreScripts,
    dangerouslyAllowAllScripts: isTrue(input.raw['dangerously-allow-all-scripts']),
    strict: isTrue(input.raw['strict-allow-scripts']),
    foreground: isTrue(input.raw['foreground-scripts']),
    concurrency: Math.max(1, input.cores - 1),
    warnings: resolved.warnings,
  }
}

function isTrue(value: string | undefined): boolean {
  return value === 'true' || value === '1'
}

/**
 * How scripts start skiff: the compiled executable alone, or bun with skiff's entry file when
 * run from source. The runtime that serves as `node` is the executable either way (with
 * BUN_BE_BUN=1 a compiled skiff is the Bun CLI; from source it is bun itself).
 */
export function skiffInvocation(process: { standalone: boolean; execPath: string; main: string }): { skiff: string[]; runtime: string } {
  return {
    skiff: process.standalone ? [process.execPath] : [process.execPath, process.main],
    runtime: process.execPath,
  }
}
