/**
 * What `run`, `exec`, `rebuild` and `install-scripts` share: the config (flags that are npm
 * settings go in as flags, so scripts see them as npm_config_*), the script runner with the
 * command's npm_command, and how skiff is started from a script.
 */
import type { Config } from '../config/index.ts'
import { loadConfig } from '../config/index.ts'
import { createScriptRunner, type ScriptRunner } from './script-runner.ts'
import { skiffInvocation } from './script-settings.ts'

export interface HostOptions {
  /** npm_command */
  command: string
  /** npm settings given as flags */
  flags: Record<string, string | boolean | string[]>
  cwd: string
  env: Readonly<Record<string, string | undefined>>
  home: string
  version: string
  /** how this skiff was started */
  process: { standalone: boolean; execPath: string; main: string }
  color: boolean
  /** where banners of foreground scripts go; absent: no banners (--silent) */
  banner?: (text: string) => void
  signal?: AbortSignal
}

export interface ScriptHost {
  config: Config
  run: ScriptRunner
  /** how scripts start skiff */
  skiff: string[]
}

export async function createScriptHost(options: HostOptions): Promise<ScriptHost> {
  const config = await loadConfig({ cwd: options.cwd, env: options.env, home: options.home, flags: options.flags, version: options.version })
  return { config, run: scriptRunnerFor(config, options), skiff: skiffInvocation(options.process).skiff }
}

export type RunnerOptions = Pick<HostOptions, 'command' | 'env' | 'cwd' | 'process' | 'color' | 'banner' | 'signal'>

/** The script runner of a command, from its config. */
export function scriptRunnerFor(config: Pick<Config, 'raw' | 'exported' | 'globalPrefix' | 'userAgent' | 'projectDir' | 'cache'>, options: RunnerOptions): ScriptRunner {
  const { skiff, runtime } = skiffInvocation(options.process)
  return createScriptRunner({
    env: options.env,
    settings: config.exported,
    globalPrefix: config.globalPrefix,
    shell: config.raw['script-shell'] ?? '',
    userAgent: config.userAgent,
    projectDir: config.projectDir,
    cacheDir: config.cache,
    initCwd: options.cwd,
    command: options.command,
    skiff,
    runtime,
    color: options.color,
    ...(options.banner === undefined ? {} : { banner: options.banner }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  })
}

/** Flags that are npm settings, from a parsed command line, minus the command's own. */
export function configFlags(flags: Readonly<Record<string, string | boolean>>, own: readonly string[]): Record<string, string | boolean> {
  const result: Record<string, string | boolean> = {}
  for (const [key, value] of Object.entries(flags)) if (!own.includes(key)) result[key] = value
  if (flags.silent === true) result.loglevel = 'silent'
  if (flags.verbose === true) result.loglevel = 'verbose'
  delete result.silent
  delete result.verbose
  return result
}
