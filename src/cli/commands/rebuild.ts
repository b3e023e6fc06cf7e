import { defineCommand, type ArgsDef } from 'citty'
import type { Config, LogLevel } from '../../config/index.ts'
import { SkiffError } from '../../error/index.ts'
import { syncBinLinks } from '../../install/bins.ts'
import { readProjectPackageJson } from '../../lockfile/index.ts'
import { readInstalledTree, rebuildPackages, scriptSettings, unreviewedLines } from '../../scripts/index.ts'
import { configFlags, createScriptHost } from '../../scripts/command-host.ts'
import { parseCommandLine } from '../../scripts/parse-command-line.ts'
import { readUmask } from '../../tarball/index.ts'
import { createReporter } from '../../ui/reporter.ts'
import { formatError } from '../print-error.ts'
import { shouldColor } from '../../ui/color.ts'
import { prefixArg, processContext } from '../command-context.ts'

const rebuildArgs = {
  packages: { type: 'positional', required: false, description: 'packages to rebuild: name, name@range or a folder (default: all)' },
  'ignore-scripts': { type: 'boolean', description: 'only link bins' },
  'foreground-scripts': { type: 'boolean', description: 'run scripts one at a time, their output shown' },
  'dangerously-allow-all-scripts': { type: 'boolean', description: 'run every install script, whatever allowScripts says' },
  'script-shell': { type: 'string', description: 'the shell scripts run in (default sh)' },
  ...prefixArg,
  silent: { type: 'boolean', description: 'print nothing but errors' },
  verbose: { type: 'boolean', description: 'print each script as it runs' },
} satisfies ArgsDef

export default defineCommand({
  meta: { name: 'rebuild', description: 'Run the install scripts and bin links of installed packages again, as `npm rebuild`' },
  args: rebuildArgs,
  run: ({ rawArgs }) => rebuildCommand(rawArgs),
})

async function rebuildCommand(rawArgs: readonly string[]): Promise<number> {
  let config: Config | undefined
  const interrupt = new AbortController()
  const onSignal = (signal: NodeJS.Signals) => interrupt.abort(new SkiffError('EABORT', `stopped by ${signal}`))
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    const line = parseCommandLine(rawArgs, { strings: ['prefix', 'loglevel', 'script-shell', 'allow-scripts', 'registry', 'cache'], aliases: {} })
    const host = await createScriptHost({
      ...processContext(),
      command: 'rebuild',
      flags: configFlags(line.flags, []),
      color: shouldColor(line.flags.color, process.stdout.isTTY, process.env),
      banner: (text) => process.stdout.write(text),
      signal: interrupt.signal,
    })
    config = host.config
    const { projectDir } = host.config
    const reporter = createReporter({ loglevel: host.config.loglevel as LogLevel, json: false, live: false, stdout: process.stdout, stderr: process.stderr, redact: host.config.redact })
    const settings = scriptSettings({
      raw: host.config.raw,
      ignoreScripts: host.config.ignoreScripts,
      ...(typeof line.flags['allow-scripts'] === 'string' ? { flagAllowScripts: line.flags['allow-scripts'] } : {}),
      ...(process.env.npm_config_allow_scripts === undefined ? {} : { envAllowScripts: process.env.npm_config_allow_scripts }),
      packageJson: (await readProjectPackageJson(projectDir)).data,
      projectScoped: true,
      projectDir,
      cores: processContext().cores,
    })
    for (const warning of settings.warnings) reporter.warn(warning)
    const tree = await readInstalledTree(projectDir)
    const result = await rebuildPackages(
      {
        names: line.positionals,
        cwd: process.cwd(),
        installed: tree.installed,
        linkBins: () => syncBinLinks(projectDir, tree.installed, { pruneStale: false, allEntries: tree.entries, umask: readUmask() }),
      },
      { ...settings, run: host.run, projectDir, cache: host.config.cache, verbose: (text) => reporter.verbose(text), warn: (text) => reporter.warn(text), signal: interrupt.signal },
    )
    if (result.unreviewed.length > 0) reporter.warn(unreviewedLines(result.unreviewed, { kind: 'project' }).join('\n'))
    if (host.config.loglevel !== 'silent') process.stdout.write('rebuilt dependencies successfully\n')
    reporter.close()
    return 0
  } catch (error) {
    const printed = formatError(interrupt.signal.aborted ? interrupt.signal.reason : error, config?.redact ?? ((text) => text))
    process.stderr.write(`${printed.text}\n`)
    return interrupt.signal.aborted ? 130 : printed.exitCode
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
