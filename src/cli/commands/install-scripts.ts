import { defineCommand, type ArgsDef, type CommandDef } from 'citty'
import type { Config, LogLevel } from '../../config/index.ts'
import { SkiffError } from '../../error/index.ts'
import { readProjectPackageJson } from '../../lockfile/index.ts'
import { manageAllowScripts, readInstalledTree, scriptSettings, type Mode } from '../../scripts/index.ts'
import { configFlags, createScriptHost } from '../../scripts/command-host.ts'
import { parseCommandLine } from '../../scripts/parse-command-line.ts'
import { createReporter } from '../../ui/reporter.ts'
import { formatError } from '../print-error.ts'
import { prefixArg, processContext } from '../command-context.ts'

const manageArgs = {
  subcommand: { type: 'positional', required: false, description: 'approve <pkg...> | approve --all | deny <pkg...> | deny --all | ls | prune' },
  all: { type: 'boolean', description: 'approve or deny every package with unreviewed install scripts' },
  'allow-scripts-pin': { type: 'boolean', default: true, description: 'approve pinned versions (pkg@1.2.3); --no-allow-scripts-pin approves by name' },
  'dry-run': { type: 'boolean', description: 'prune: show what would be removed' },
  json: { type: 'boolean', description: 'print JSON' },
  ...prefixArg,
} satisfies ArgsDef

const MODES: Record<string, Mode> = { approve: 'approve', deny: 'deny', ls: 'ls', list: 'ls', prune: 'prune' }

export default defineCommand({
  meta: { name: 'install-scripts', description: 'Manage which dependencies may run install scripts (the allowScripts field of package.json)' },
  args: manageArgs,
  run: ({ rawArgs }) => installScriptsCommand(rawArgs),
})

/** `skiff approve-scripts` / `skiff deny-scripts`, npm's aliases of approve and deny. */
export function verbCommand(mode: 'approve' | 'deny'): CommandDef<ArgsDef> {
  return defineCommand({
    meta: { name: `${mode}-scripts`, description: `${mode === 'approve' ? 'Approve' : 'Deny'} install scripts of dependencies, as \`skiff install-scripts ${mode}\`` },
    args: manageArgs,
    run: ({ rawArgs }) => installScriptsCommand([mode, ...rawArgs]),
  }) as CommandDef<ArgsDef>
}

async function installScriptsCommand(rawArgs: readonly string[]): Promise<number> {
  let config: Config | undefined
  try {
    const line = parseCommandLine(rawArgs, { strings: ['prefix', 'loglevel'], aliases: {} })
    const [subcommand, ...args] = line.positionals
    const mode = subcommand === undefined ? undefined : MODES[subcommand]
    if (mode === undefined) {
      throw new SkiffError('EUSAGE', subcommand === undefined ? 'skiff install-scripts needs a subcommand' : `\`${subcommand}\` is not a recognized subcommand`, {
        hint: 'skiff install-scripts approve <pkg...> | approve --all | deny <pkg...> | deny --all | ls | prune',
      })
    }
    const host = await createScriptHost({
      ...processContext(),
      command: 'install-scripts',
      flags: configFlags(line.flags, ['all', 'allow-scripts-pin', 'dry-run', 'json']),
      color: false,
    })
    config = host.config
    const { projectDir } = host.config
    const reporter = createReporter({ loglevel: host.config.loglevel as LogLevel, json: false, live: false, stdout: process.stdout, stderr: process.stderr, redact: host.config.redact })
    const settings = scriptSettings({
      raw: host.config.raw,
      ignoreScripts: false,
      packageJson: (await readProjectPackageJson(projectDir)).data,
      projectScoped: true,
      projectDir,
      cores: 1,
    })
    const result = await manageAllowScripts({
      projectDir,
      mode,
      args,
      all: line.flags.all === true,
      pin: line.flags['allow-scripts-pin'] !== false,
      dryRun: line.flags['dry-run'] === true,
      policy: settings.policy,
      installed: (await readInstalledTree(projectDir)).installed,
    })
    for (const warning of [...settings.warnings, ...result.warnings]) reporter.warn(warning)
    reporter.close()
    process.stdout.write(line.flags.json === true ? `${JSON.stringify(result.json, null, 2)}\n` : `${result.lines.join('\n')}\n`)
    return 0
  } catch (error) {
    const printed = formatError(error, config?.redact ?? ((text) => text))
    process.stderr.write(`${printed.text}\n`)
    return printed.exitCode
  }
}
