import { defineCommand, type ArgsDef } from 'citty'
import type { Config, LogLevel } from '../../config/index.ts'
import { readPackageJson } from '../../lockfile/index.ts'
import { createRegistryClient } from '../../registry/index.ts'
import { holdStore } from '../../store/index.ts'
import { defaultNodeVersion, parsePackument, pickVersion } from '../../resolve/index.ts'
import { dependencyOrder, execPackage, findWorkspaceFolders, selectWorkspaces, unreviewedLines } from '../../scripts/index.ts'
import { configFlags, createScriptHost } from '../../scripts/command-host.ts'
import { parseCommandLine } from '../../scripts/parse-command-line.ts'
import { createReporter, type Reporter } from '../../ui/reporter.ts'
import { lifecycleFor, prefixArg, processContext } from '../command-context.ts'
import { createInstallContext } from '../install-context.ts'
import { formatError } from '../print-error.ts'
import { shouldColor } from '../../ui/color.ts'
import { runInstallJob } from './install.ts'

const execArgs = {
  command: { type: 'positional', required: false, description: '<pkg>[@<version>] [args...]: a bin of the project, or of a package fetched into the exec cache' },
  package: { type: 'string', alias: 'p', description: 'a package to make available (repeatable); the command is then a bin of it' },
  call: { type: 'string', alias: 'c', description: 'a shell command to run instead of <pkg> [args...]' },
  yes: { type: 'boolean', alias: 'y', description: 'install missing packages without asking (--no: never)' },
  workspace: { type: 'string', alias: 'w', description: 'run in this workspace (repeatable)' },
  workspaces: { type: 'boolean', description: 'run in every workspace' },
  'allow-scripts': { type: 'string', description: 'packages whose install scripts may run when fetched: a,b' },
  'dangerously-allow-all-scripts': { type: 'boolean', description: 'run every install script of fetched packages' },
  'ignore-scripts': { type: 'boolean', description: 'run no install scripts of fetched packages' },
  ...prefixArg,
} satisfies ArgsDef

const OWN_FLAGS = ['package', 'call', 'workspace', 'workspaces', 'include-workspace-root']

export default defineCommand({
  meta: { name: 'exec', description: 'Run a command from a local or fetched package, as `npm exec` / `npx`' },
  args: execArgs,
  run: ({ rawArgs }) => execCommand(rawArgs),
})

export async function execCommand(rawArgs: readonly string[]): Promise<number> {
  let config: Config | undefined
  try {
    const line = parseCommandLine(rawArgs, {
      strings: ['package', 'call', 'workspace', 'prefix', 'loglevel', 'registry', 'cache', 'allow-scripts', 'script-shell'],
      repeatable: ['package', 'workspace'],
      aliases: { p: 'package', c: 'call', y: 'yes', w: 'workspace', ws: 'workspaces' },
      stopAtCommand: true,
    })
    const host = await createScriptHost({ ...processContext(), command: 'exec', flags: configFlags(line.flags, OWN_FLAGS), color: shouldColor(line.flags.color, process.stdout.isTTY, process.env) })
    config = host.config
    const hostConfig = host.config
    const reporter = createReporter({
      loglevel: hostConfig.loglevel as LogLevel,
      json: false,
      live: false,
      stdout: process.stderr,
      stderr: process.stderr,
      redact: hostConfig.redact,
    })
    const registry = createRegistryClient(hostConfig)
    const filters = line.lists.workspace ?? []
    const inWorkspaces = filters.length > 0 || line.flags.workspaces === true
    const runDirs = inWorkspaces
      ? dependencyOrder(selectWorkspaces(await findWorkspaceFolders(hostConfig.projectDir, (await readPackageJson(hostConfig.projectDir)).data), filters, process.cwd())).map((workspace) => workspace.dir)
      : [process.cwd()]
    let code = 0
    for (const cwd of runDirs) {
      const result = await execPackage(
        {
          cwd,
          // in a workspace, its own node_modules/.bin first (npm: the workspace's localBin)
          projectDir: inWorkspaces ? cwd : hostConfig.projectDir,
          cacheDir: hostConfig.cache,
          packages: line.lists.package ?? [],
          ...(typeof line.flags.call === 'string' ? { call: line.flags.call } : {}),
          args: line.rest,
          // --yes, --no, --yes=false, npm_config_yes or `yes` in an .npmrc; unset: ask on a terminal, else warn and install (npm)
          yes: hostConfig.yes ?? undefined,
        },
        {
          run: host.run,
          pickVersion: async (spec) => {
            const { packument } = await registry.fetchPackument(spec.name)
            return pickVersion(parsePackument(packument, spec.name), spec, { nodeVersion: defaultNodeVersion() }).version
          },
          install: (dir) => installInto(dir, hostConfig, line.flags, reporter),
          warn: (text) => reporter.warn(text),
          ...(process.stdin.isTTY && !process.env.CI ? { confirm: askToInstall } : {}),
        },
      )
      if (result.signal) process.kill(process.pid, result.signal as NodeJS.Signals)
      if (result.code !== 0) code = result.code
    }
    return code
  } catch (error) {
    const printed = formatError(error, config?.redact ?? ((text) => text))
    process.stderr.write(`${printed.text}\n`)
    return printed.exitCode
  }
}

/**
 * Installs an exec cache folder as `skiff install` would, with the project's settings: only
 * --allow-scripts and .npmrc decide which install scripts of the fetched packages run (npm
 * exec reads no project allowScripts).
 */
async function installInto(dir: string, projectConfig: Config, flags: Readonly<Record<string, string | boolean>>, reporter: Reporter): Promise<void> {
  const config: Config = Object.freeze({ ...projectConfig, projectDir: dir })
  const interrupt = new AbortController()
  await using storeHold = await holdStore(config.cache, { timeoutMs: config.lockTimeout, signal: interrupt.signal })
  await using context = createInstallContext(config, { onStoreUse: (key) => storeHold.record(key) }, reporter, interrupt.signal)
  const flag = flags['allow-scripts']
  const lifecycle = await lifecycleFor(config, {
    command: 'exec',
    ...(typeof flag === 'string' ? { flagAllowScripts: flag } : {}),
    projectScoped: false,
    quiet: true,
    reporter,
    signal: interrupt.signal,
  })
  const services = { ...context.services, build: lifecycle.build }
  await runInstallJob('install', { flags: { save: false }, rawArgs: [], saveLockfile: true }, { ...context, services }, reporter)
  const held = lifecycle.unreviewed()
  if (held.length > 0) reporter.warn(unreviewedLines(held, { kind: 'allow-once', command: 'skiff exec' }).join('\n'))
}

async function askToInstall(packages: readonly string[]): Promise<boolean> {
  process.stderr.write(`Need to install the following packages:\n${packages.join('\n')}\n`)
  const answer = prompt('Ok to proceed? (y)') ?? 'y'
  return answer.trim() === '' || answer.trim().toLowerCase().startsWith('y')
}
