/**
 * Command table and dispatch. citty parses; errors are printed by one printer with one exit
 * code (runCommand, not runMain, which would print and exit on its own).
 */
import { defineCommand, renderUsage, runCommand, type ArgsDef, type CommandDef } from 'citty'
import { SkiffError } from '../error/index.ts'
import { formatError } from './print-error.ts'
import { version } from './version.ts'

// each command module loads only when it runs
const commands: Record<string, () => Promise<CommandDef<ArgsDef>>> = {
  ci: () => import('./commands/ci.ts').then((m) => m.default as CommandDef<ArgsDef>),
  install: () => import('./commands/install.ts').then((m) => m.default as CommandDef<ArgsDef>),
  uninstall: () => import('./commands/uninstall.ts').then((m) => m.default as CommandDef<ArgsDef>),
  update: () => import('./commands/update.ts').then((m) => m.default as CommandDef<ArgsDef>),
  dedupe: () => import('./commands/dedupe.ts').then((m) => m.default as CommandDef<ArgsDef>),
}

const aliases: Record<string, string> = {
  'clean-install': 'ci',
  ic: 'ci',
  'install-clean': 'ci',
  'isntall-clean': 'ci',
  i: 'install',
  add: 'install',
  in: 'install',
  ins: 'install',
  inst: 'install',
  insta: 'install',
  instal: 'install',
  isnt: 'install',
  isnta: 'install',
  isntal: 'install',
  isntall: 'install',
  remove: 'uninstall',
  rm: 'uninstall',
  r: 'uninstall',
  un: 'uninstall',
  unlink: 'uninstall',
  up: 'update',
  upgrade: 'update',
  udpate: 'update',
  ddp: 'dedupe',
}

const main = defineCommand({
  meta: { name: 'skiff', version, description: 'npm-compatible package installer' },
  subCommands: commands,
})

export async function runCli(rawArgs: string[]): Promise<number> {
  const name = rawArgs.find((arg) => !arg.startsWith('-'))
  const commandName = name === undefined ? undefined : (aliases[name] ?? name)
  const loader = commandName === undefined ? undefined : commands[commandName]
  const wantsHelp = rawArgs.includes('--help') || rawArgs.includes('-h')
  if (!loader) {
    if (wantsHelp || name === undefined || name === 'help') {
      process.stdout.write(`${await renderUsage(main)}\n`)
      return name === undefined && !wantsHelp ? 1 : 0
    }
    return printFailure(new SkiffError('EUSAGE', `unknown command "${name}"`, { hint: 'run `skiff --help` to see the commands' }))
  }
  const command = await loader()
  const args = rawArgs.filter((arg) => arg !== name)
  if (wantsHelp) {
    process.stdout.write(`${await renderUsage(command, main)}\n`)
    return 0
  }
  try {
    const { result } = await runCommand(command, { rawArgs: args })
    return typeof result === 'number' ? result : 0
  } catch (error) {
    return printFailure(error)
  }
}

/** Errors from before a command could set up its own reporter (usage errors, bad flags). */
function printFailure(error: unknown): number {
  const printed = formatError(error, (text) => text)
  process.stderr.write(`${printed.text}\n`)
  return printed.exitCode
}
