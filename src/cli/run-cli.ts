/**
 * Command table and dispatch. The command line is read as npm reads it (argv.ts): options may
 * come before the command, every flag is written out in one form before the command's parser
 * (citty) sees it, and flags nobody knows are reported and left out. Errors are printed by one
 * printer with one exit code (runCommand, not runMain, which would print and exit on its own).
 */
import { runCommand, type ArgsDef, type CommandDef } from 'citty'
import { closeMatches, SkiffError } from '../error/index.ts'
import { normalizeArgs, ownFlagsOf, splitCommand, type NormalizedArgs } from './argv.ts'
import { renderCommandHelp, renderOverview } from './help.ts'
import { formatError } from './print-error.ts'
import { version } from './version.ts'

type Loader = () => Promise<CommandDef<ArgsDef>>
const load = (module: Promise<{ default: unknown }>) => module.then((m) => m.default as CommandDef<ArgsDef>)

// each command module loads only when it runs
const commands: Record<string, Loader> = {
  ci: () => load(import('./commands/ci.ts')),
  fetch: () => load(import('./commands/fetch.ts')),
  install: () => load(import('./commands/install.ts')),
  uninstall: () => load(import('./commands/uninstall.ts')),
  update: () => load(import('./commands/update.ts')),
  dedupe: () => load(import('./commands/dedupe.ts')),
  run: () => load(import('./commands/run.ts')),
  test: () => import('./commands/run.ts').then((m) => m.scriptCommand('test')),
  start: () => import('./commands/run.ts').then((m) => m.scriptCommand('start')),
  stop: () => import('./commands/run.ts').then((m) => m.scriptCommand('stop')),
  restart: () => import('./commands/run.ts').then((m) => m.scriptCommand('restart')),
  exec: () => load(import('./commands/exec.ts')),
  rebuild: () => load(import('./commands/rebuild.ts')),
  'install-scripts': () => load(import('./commands/install-scripts.ts')),
  'approve-scripts': () => import('./commands/install-scripts.ts').then((m) => m.verbCommand('approve')),
  'deny-scripts': () => import('./commands/install-scripts.ts').then((m) => m.verbCommand('deny')),
  ls: () => import('./commands/ls.ts').then((m) => m.default),
  ll: () => import('./commands/ls.ts').then((m) => m.ll),
  why: () => load(import('./commands/why.ts')),
  outdated: () => load(import('./commands/outdated.ts')),
  view: () => load(import('./commands/view.ts')),
  cache: () => load(import('./commands/cache.ts')),
  config: () => load(import('./commands/config.ts')),
  get: () => import('./commands/config.ts').then((m) => m.configVerb('get')),
  set: () => import('./commands/config.ts').then((m) => m.configVerb('set')),
  pkg: () => load(import('./commands/pkg.ts')),
  init: () => load(import('./commands/init.ts')),
  prefix: () => import('./commands/prefix.ts').then((m) => m.prefix),
  root: () => import('./commands/prefix.ts').then((m) => m.root),
  prune: () => load(import('./commands/prune.ts')),
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
  u: 'update',
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
  c: 'config',
  create: 'init',
  innit: 'init',
}

/**
 * bun's and pnpm's spellings of the save flags, taken when packages are named to `install`
 * (`skiff add -d chalk`): there they can only mean saving. Without packages npm's meanings
 * stay (`-d` is `--loglevel info`, `--dev` and `--optional` choose what to install).
 */
const ADD_SPELLINGS = { d: '--save-dev', dev: '--save-dev', exact: '--save-exact', peer: '--save-peer', optional: '--save-optional' }

export async function runCli(rawArgs: string[]): Promise<number> {
  const split = splitCommand(rawArgs)
  const typed = split.command === 'help' ? split.after.find((arg) => !arg.startsWith('-')) : split.command
  const commandName = typed === undefined ? undefined : (aliases[typed] ?? typed)
  const loader = commandName === undefined ? undefined : commands[commandName]
  if (commandName === undefined || loader === undefined) {
    const global = normalizeArgs(split.before, ownFlagsOf({}))
    if (global.version) return printVersion()
    if (typed === undefined) {
      process.stdout.write(`${renderOverview(Object.keys(commands), version, process.execPath)}\n`)
      return global.help || split.command === 'help' ? 0 : 1
    }
    return printFailure(await unknownCommand(typed))
  }
  const command = await loader()
  const args = split.command === 'help' ? ['--help'] : [...split.before, ...split.after]
  const own = ownFlagsOf(command.args as ArgsDef)
  let line = normalizeArgs(args, own, { stopAtPositional: commandName === 'exec' })
  if (commandName === 'install' && line.positionals.length > 0) line = normalizeArgs(args, own, { spellings: ADD_SPELLINGS })
  reportUnknown(line)
  if (line.version) return printVersion()
  if (line.help) {
    const meta = (command.meta ?? {}) as { description?: string }
    const names = Object.entries(aliases).filter(([, name]) => name === commandName).map(([alias]) => alias)
    process.stdout.write(`${renderCommandHelp({ name: commandName, description: meta.description ?? '', args: command.args as ArgsDef, aliases: names })}\n`)
    return 0
  }
  try {
    const { result } = await runCommand(command, { rawArgs: line.args })
    return typeof result === 'number' ? result : 0
  } catch (error) {
    return printFailure(error)
  }
}

function printVersion(): number {
  process.stdout.write(`${version}\n`)
  return 0
}

/** npm's warnings for flags it does not know, and for the word after one, which stays a positional. */
function reportUnknown(line: NormalizedArgs): void {
  if (line.args.includes('--loglevel=silent')) return
  for (const { flag, suggestion, valueTakenAsPositional } of line.unknown) {
    if (valueTakenAsPositional !== undefined) process.stderr.write(`warn "${valueTakenAsPositional}" is being parsed as a normal command line argument.\n`)
    process.stderr.write(`warn Unknown cli config "${flag}": it is ignored.${suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`}\n`)
  }
}

/**
 * npm's commands that skiff leaves to npm: the registry's write side, accounts, and tools
 * around packing and publishing. Each says what to use instead.
 */
const LEFT_TO_NPM: Record<string, string> = {
  access: 'npm access',
  adduser: 'npm adduser',
  audit: 'npm audit (it reads the same package-lock.json)',
  bugs: 'npm bugs',
  completion: 'npm completion',
  deprecate: 'npm deprecate',
  diff: 'npm diff',
  'dist-tag': 'npm dist-tag',
  docs: 'npm docs',
  doctor: 'npm doctor',
  edit: 'npm edit',
  explore: 'npm explore',
  'find-dupes': 'skiff dedupe --package-lock-only, then git diff package-lock.json',
  fund: 'npm fund',
  'help-search': 'npm help-search',
  'install-ci-test': 'skiff ci && skiff test',
  'install-test': 'skiff install && skiff test',
  link: 'npm link, or a folder dependency: skiff install ../folder',
  login: 'npm login',
  logout: 'npm logout',
  org: 'npm org',
  owner: 'npm owner',
  pack: 'npm pack',
  ping: 'npm ping',
  profile: 'npm profile',
  publish: 'npm publish',
  query: 'npm query',
  repo: 'npm repo',
  sbom: 'npm sbom',
  search: 'npm search',
  shrinkwrap: 'npm shrinkwrap',
  stage: 'npm stage',
  star: 'npm star',
  stars: 'npm stars',
  team: 'npm team',
  token: 'npm token',
  trust: 'npm trust',
  undeprecate: 'npm undeprecate',
  unpublish: 'npm unpublish',
  unstar: 'npm unstar',
  version: 'npm version',
  whoami: 'npm whoami',
}

/** A command skiff leaves to npm, else npm's "Did you mean" over the commands and the project's scripts. */
async function unknownCommand(typed: string): Promise<SkiffError> {
  const instead = LEFT_TO_NPM[typed]
  if (instead !== undefined) return new SkiffError('EUNSUPPORTED', `skiff does not do \`${typed}\`: use ${instead}`)
  const lines: string[] = []
  const [command] = closeMatches(typed, Object.keys(commands))
  if (command !== undefined) {
    const def = await (commands[command] as Loader)()
    lines.push(`  skiff ${command} # ${(def.meta as { description?: string } | undefined)?.description ?? ''}`)
  }
  for (const script of closeMatches(typed, await projectScripts()).slice(0, 3 - lines.length)) {
    lines.push(`  skiff run ${script} # run the "${script}" package script`)
  }
  if (lines.length > 0) lines.unshift(`Did you mean ${lines.length === 1 ? 'this' : 'one of these'}?`)
  return new SkiffError('EUSAGE', `Unknown command: "${typed}"`, { lines, hint: 'to see the commands, run: skiff help' })
}

async function projectScripts(): Promise<string[]> {
  try {
    const manifest = (await Bun.file('package.json').json()) as { scripts?: unknown }
    return typeof manifest.scripts === 'object' && manifest.scripts !== null ? Object.keys(manifest.scripts) : []
  } catch {
    return []
  }
}

/** Errors from before a command could set up its own reporter (usage errors, bad flags). */
function printFailure(error: unknown): number {
  const printed = formatError(error, (text) => text)
  process.stderr.write(`${printed.text}\n`)
  return printed.exitCode
}
