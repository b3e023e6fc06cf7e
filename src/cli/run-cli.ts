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
  fetch: () => import('./commands/fetch.ts').then((m) => m.default as CommandDef<ArgsDef>),
  install: () => import('./commands/install.ts').then((m) => m.default as CommandDef<ArgsDef>),
  uninstall: () => import('./commands/uninstall.ts').then((m) => m.default as CommandDef<ArgsDef>),
  update: () => import('./commands/update.ts').then((m) => m.default as CommandDef<ArgsDef>),
  dedupe: () => import('./commands/dedupe.ts').then((m) => m.default as CommandDef<ArgsDef>),
  run: () => import('./commands/run.ts').then((m) => m.default as CommandDef<ArgsDef>),
  test: () => import('./commands/run.ts').then((m) => m.scriptCommand('test')),
  start: () => import('./commands/run.ts').then((m) => m.scriptCommand('start')),
  stop: () => import('./commands/run.ts').then((m) => m.scriptCommand('stop')),
  restart: () => import('./commands/run.ts').then((m) => m.scriptCommand('restart')),
  exec: () => import('./commands/exec.ts').then((m) => m.default as CommandDef<ArgsDef>),
  rebuild: () => import('./commands/rebuild.ts').then((m) => m.default as CommandDef<ArgsDef>),
  'install-scripts': () => import('./commands/install-scripts.ts').then((m) => m.default as CommandDef<ArgsDef>),
  'approve-scripts': () => import('./commands/install-scripts.ts').then((m) => m.verbCommand('approve')),
  'deny-scripts': () => import('./commands/install-scripts.ts').then((m) => m.verbCommand('deny')),
  ls: () => import('./commands/ls.ts').then((m) => m.default),
  ll: () => import('./commands/ls.ts').then((m) => m.ll),
  why: () => import('./commands/why.ts').then((m) => m.default as CommandDef<ArgsDef>),
  outdated: () => import('./commands/outdated.ts').then((m) => m.default as CommandDef<ArgsDef>),
  view: () => import('./commands/view.ts').then((m) => m.default as CommandDef<ArgsDef>),
}

const aliases: Record<string, string> = {
  list: 'ls',
  la: 'll',
  explain: 'why',
  info: 'view',
  show: 'view',
  v: 'view',
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
  'run-script': 'run',
  rum: 'run',
  urn: 'run',
  t: 'test',
  tst: 'test',
  x: 'exec',
  rb: 'rebuild',
}

const main = defineCommand({
  meta: { name: 'skiff', version, description: 'npm-compatible package installer' },
  subCommands: commands,
})

export async function runCli(rawArgs: string[]): Promise<number> {
  const name = rawArgs.find((arg) => !arg.startsWith('-'))
  const commandName = name === undefined ? undefined : (aliases[name] ?? name)
  const loader = commandName === undefined ? undefined : commands[commandName]
  const wantsHelp = ownArgs(rawArgs, name, commandName).some((arg) => arg === '--help' || arg === '-h')
  if (!loader) {
    if (wantsHelp || name === undefined || name === 'help') {
      process.stdout.write(`${await renderUsage(main)}\n`)
      return name === undefined && !wantsHelp ? 1 : 0
    }
    return printFailure(new SkiffError('EUSAGE', `unknown command "${name}"`, { hint: 'run `skiff --help` to see the commands' }))
  }
  const command = await loader()
  const at = rawArgs.indexOf(name as string)
  const args = rawArgs.filter((_, index) => index !== at)
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

/**
 * The arguments skiff reads itself: not those after `--` (they go to a script), and for exec
 * not those from its command on (`skiff x tsc --help` asks tsc, as npx does).
 */
function ownArgs(rawArgs: readonly string[], name: string | undefined, commandName: string | undefined): readonly string[] {
  const dashDash = rawArgs.indexOf('--')
  const before = dashDash === -1 ? rawArgs : rawArgs.slice(0, dashDash)
  if (commandName !== 'exec' || name === undefined) return before
  const afterName = before.slice(before.indexOf(name) + 1)
  const command = afterName.findIndex((arg) => !arg.startsWith('-'))
  return [...before.slice(0, before.indexOf(name) + 1), ...(command === -1 ? afterName : afterName.slice(0, command))]
}

/** Errors from before a command could set up its own reporter (usage errors, bad flags). */
function printFailure(error: unknown): number {
  const printed = formatError(error, (text) => text)
  process.stderr.write(`${printed.text}\n`)
  return printed.exitCode
}
