/**
 * The lifecycle part of an install (`ci`, `install`, `exec`'s cache install, `rebuild`):
 *   1. `build`, after every package is in node_modules: the dependency and linked-folder
 *      scripts in npm's order around the bin links (run-build.ts), for the packages this
 *      install made; a failing optional package takes its optional set out of node_modules
 *      (reify computes it) and build returns the locations removed.
 *   2. `runRootScripts`: the project's own preinstall, install, postinstall, prepublish,
 *      preprepare, prepare, postprepare, in the foreground, as `npm ci` / `npm install` run
 *      them after reify.
 *   3. `unreviewed`: name@version of every installed package whose install scripts the
 *      allowScripts policy does not cover, for the summary line.
 * --ignore-scripts runs nothing (root scripts included) and lists nothing.
 */
import { mkdir, readFile, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import type { Config } from '../config/index.ts'
import { SkiffError } from '../error/index.ts'
import { readPackageJson, writeLockfileAtomic, type LockEntry } from '../lockfile/index.ts'
import type { Policy } from './allow-scripts.ts'
import { collectBuildNodes } from './collect-build-nodes.ts'
import { planBuild, type BuildNode } from './plan-build.ts'
import { runBuild } from './run-build.ts'
import { scriptRunnerFor } from './command-host.ts'
import { prepareGitCheckout, type PrepareGitOptions } from './prepare-git-checkout.ts'
import { skiffInvocation } from './script-settings.ts'
import { lifecycleError, type ScriptRunner } from './script-runner.ts'
import { scriptSettings } from './script-settings.ts'
import { unreviewedId, unreviewedOf, type UnreviewedScripts } from './unreviewed-scripts.ts'

export const ROOT_INSTALL_EVENTS = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'] as const

export interface InstallLifecycleOptions {
  run: ScriptRunner
  projectDir: string
  /** the cache root: the list of held-back scripts lives there (heldFileFor) */
  cache: string
  policy: Policy | null
  ignoreScripts: boolean
  dangerouslyAllowAllScripts: boolean
  strict?: boolean
  foreground: boolean
  concurrency: number
  verbose: (line: string) => void
  warn: (line: string) => void
  signal: AbortSignal
}

export interface BuildInput {
  /** every package in node_modules after linking (lock location → entry) */
  installed: ReadonlyMap<string, LockEntry>
  /** the locations this install made or changed: only their scripts run */
  built: ReadonlySet<string>
  linkBins: () => Promise<void>
  /** removes an optional package's optional set from node_modules; resolves to its locations */
  removeOptional: (location: string) => Promise<string[]>
}

export interface InstallLifecycle {
  /** returns the locations removed because a script of an optional package failed */
  build(input: BuildInput): Promise<string[]>
  runRootScripts(): Promise<void>
  /** packages whose install scripts were held back (after build) */
  unreviewed(): UnreviewedScripts[]
  /** installs and prepares a git dependency's checkout before it is packed (prepare-git-checkout.ts) */
  prepareGitCheckout(dir: string, pkg: string, resolved: string): Promise<void>
}

export function createInstallLifecycle(options: InstallLifecycleOptions & { git?: Omit<PrepareGitOptions, 'policy' | 'ignoreScripts' | 'dangerouslyAllowAllScripts' | 'projectDir' | 'signal'> }): InstallLifecycle {
  let unreviewed: BuildNode[] = []
  return {
    async build(input) {
      // packages whose scripts an earlier install held back are due once they may run
      const heldFile = heldFileFor(options.cache, options.projectDir)
      const built = new Set(input.built)
      for (const location of await readHeld(heldFile)) if (input.installed.has(location)) built.add(location)
      if (options.ignoreScripts) {
        await writeHeld(heldFile, [...built].filter((location) => input.installed.get(location)?.hasInstallScript || input.installed.get(location)?.link))
        await input.linkBins()
        return []
      }
      const nodes = await collectBuildNodes(options.projectDir, input.installed, built)
      const plan = planBuild(nodes, {
        policy: options.policy,
        ignoreScripts: options.ignoreScripts,
        dangerouslyAllowAllScripts: options.dangerouslyAllowAllScripts,
        projectDir: options.projectDir,
      })
      unreviewed = plan.unreviewed
      if (options.strict && unreviewed.length > 0) throw strictError(unreviewed)
      await writeHeld(heldFile, [...plan.unreviewed, ...plan.denied].map((node) => node.location))
      const result = await runBuild({ ...options, plan, linkBins: input.linkBins, removeOptional: input.removeOptional })
      return result.removed
    },
    async runRootScripts() {
      if (options.ignoreScripts) return
      await runRootScripts(options.run, options.projectDir, ROOT_INSTALL_EVENTS)
    },
    unreviewed() {
      return unreviewed.map(unreviewedOf)
    },
    async prepareGitCheckout(dir, pkg, resolved) {
      if (options.git === undefined) throw new SkiffError('EUNSUPPORTED', `${pkg}: this command cannot prepare git dependencies`, { pkg })
      await prepareGitCheckout(dir, pkg, resolved, { ...options, ...options.git })
    },
  }
}

/**
 * The packages of a project whose install scripts were not run (held back by the policy, or by
 * --ignore-scripts), by lock location. An install that keeps them in place runs their scripts
 * once they may run, so the result is what a clean install would make. The list is kept in the
 * cache, one file per project folder, because node_modules must hold only what npm puts there.
 */
function heldFileFor(cache: string, projectDir: string): string {
  const id = new Bun.CryptoHasher('sha256').update(path.resolve(projectDir)).digest('hex').slice(0, 32)
  return path.join(cache, 'v1', 'scripts-held', `${id}.json`)
}

async function readHeld(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch(() => undefined)
  if (text === undefined) return []
  try {
    const parsed: unknown = JSON.parse(text)
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : []
  } catch {
    return []
  }
}

async function writeHeld(file: string, locations: readonly string[]): Promise<void> {
  if (locations.length === 0) {
    await rm(file, { force: true })
    return
  }
  const text = `${JSON.stringify([...locations].sort(), null, 2)}\n`
  if ((await readFile(file, 'utf8').catch(() => undefined)) === text) return
  await mkdir(path.dirname(file), { recursive: true })
  await writeLockfileAtomic(file, text)
}

function strictError(unreviewed: readonly BuildNode[]): SkiffError {
  return new SkiffError('ESTRICTALLOWSCRIPTS', `--strict-allow-scripts: ${unreviewed.length} package(s) have install scripts not covered by allowScripts`, {
    lines: unreviewed.map((node) => `${unreviewedId(unreviewedOf(node))} (${Object.entries(node.scripts).map(([event, script]) => `${event}: ${script}`).join('; ')})`),
    hint: 'approve them with `skiff install-scripts approve`, deny them with `skiff install-scripts deny`, or bypass this check with --dangerously-allow-all-scripts',
  })
}

/**
 * Runs the events a folder's package.json has, in order, in the foreground. `install` with no
 * script in a folder with binding.gyp is `node-gyp rebuild`, as @npmcli/run-script does.
 */
export async function runRootScripts(run: ScriptRunner, dir: string, events: readonly string[]): Promise<void> {
  const { data: manifest } = await readPackageJson(dir)
  const declared = typeof manifest.scripts === 'object' && manifest.scripts !== null ? (manifest.scripts as Record<string, unknown>) : {}
  for (const event of events) {
    let script = declared[event]
    if (event === 'install' && typeof script !== 'string' && typeof declared.preinstall !== 'string' && manifest.gypfile !== false) {
      if (await stat(path.join(dir, 'binding.gyp')).then((found) => found.isFile(), () => false)) script = 'node-gyp rebuild'
    }
    if (typeof script !== 'string' || script === '') continue
    const result = await run({ dir, event, script, manifest, stdio: 'inherit' })
    if (result.code !== 0) {
      const pkg = typeof manifest.name === 'string' ? `${manifest.name}@${String(manifest.version ?? '')}` : dir
      throw lifecycleError({ pkg, event, script, dir, result })
    }
  }
}

export interface InstallScriptsInput {
  config: Pick<Config, 'raw' | 'exported' | 'globalPrefix' | 'userAgent' | 'projectDir' | 'cache' | 'ignoreScripts' | 'registry'>
  /** npm_command */
  command: string
  /** `--allow-scripts` as given on the command line */
  flagAllowScripts?: string
  /** false for exec's cache installs: no project policy, and --allow-scripts is welcome */
  projectScoped: boolean
  env: Readonly<Record<string, string | undefined>>
  cwd: string
  process: { standalone: boolean; execPath: string; main: string }
  cores: number
  color: boolean
  banner?: (text: string) => void
  verbose: (line: string) => void
  warn: (line: string) => void
  signal: AbortSignal
}

/** The lifecycle of an install from its config and root package.json (the allowScripts policy). */
export async function installLifecycleFor(input: InstallScriptsInput): Promise<InstallLifecycle> {
  const { config } = input
  const packageJson = input.projectScoped ? await readPackageJson(config.projectDir).then((file) => file.data, () => ({})) : {}
  const envAllowScripts = input.env.npm_config_allow_scripts
  const settings = scriptSettings({
    raw: config.raw,
    ignoreScripts: config.ignoreScripts,
    ...(input.flagAllowScripts === undefined ? {} : { flagAllowScripts: input.flagAllowScripts }),
    ...(envAllowScripts === undefined ? {} : { envAllowScripts }),
    packageJson,
    projectScoped: input.projectScoped,
    projectDir: config.projectDir,
    cores: input.cores,
  })
  for (const warning of settings.warnings) input.warn(warning)
  const run = scriptRunnerFor(config, input)
  const git = { skiff: skiffInvocation(input.process).skiff, env: input.env, cache: config.cache, registry: config.registry }
  return createInstallLifecycle({ ...settings, run, projectDir: config.projectDir, cache: config.cache, verbose: input.verbose, warn: input.warn, signal: input.signal, git })
}
