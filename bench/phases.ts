/**
 * What each phase starts from, and the exact command each tool gets for it.
 *
 * Every phase runs in a fresh project folder (nothing is deleted right before a timed run) with
 * no node_modules. A phase says whether the tool's own lockfile is copied in, whether the tool's
 * cache is a fresh empty folder or the tool's warm one, and what the timed command does.
 * Adding a phase is one entry in PHASES; the commands come from the action.
 */
import type { ToolName } from './tools.ts'

export type PhaseId = 'p0_full_cold' | 'p1_resolve' | 'p3_cold_install' | 'p4_warm_link' | 'p5_stale'

/**
 * install-locked: install from the lockfile; install-fresh: resolve and install; resolve: write
 * the lockfile only; stale: in a project installed from its lockfile (untimed), add one
 * dependency then remove it (STALE_PACKAGE; both commands timed as one run)
 */
export type Action = 'install-locked' | 'install-fresh' | 'resolve' | 'stale'

/** What the stale phase adds and removes: small, not in any fixture, with one dependency (is-number@^6). */
export const STALE_PACKAGE = { name: 'is-odd', spec: 'is-odd@3.0.1' } as const

export interface Phase {
  id: PhaseId
  short: string
  description: string
  withLockfile: boolean
  cache: 'empty' | 'warm'
  action: Action
}

export const PHASES: readonly Phase[] = [
  {
    id: 'p0_full_cold',
    short: 'p0',
    description: 'no lockfile, empty cache, no node_modules: install',
    withLockfile: false,
    cache: 'empty',
    action: 'install-fresh',
  },
  {
    id: 'p1_resolve',
    short: 'p1',
    description: 'no lockfile, empty cache: write the lockfile only',
    withLockfile: false,
    cache: 'empty',
    action: 'resolve',
  },
  {
    id: 'p3_cold_install',
    short: 'p3',
    description: "the tool's lockfile, empty cache, no node_modules: install",
    withLockfile: true,
    cache: 'empty',
    action: 'install-locked',
  },
  {
    id: 'p4_warm_link',
    short: 'p4',
    description: "the tool's lockfile, warm cache, no node_modules: install",
    withLockfile: true,
    cache: 'warm',
    action: 'install-locked',
  },
  {
    id: 'p5_stale',
    short: 'p5',
    description: `installed project, warm cache: add ${STALE_PACKAGE.spec}, then remove it`,
    withLockfile: true,
    cache: 'warm',
    action: 'stale',
  },
]

export function findPhase(name: string): Phase | undefined {
  return PHASES.find((phase) => phase.short === name || phase.id === name || (name === 'stale' && phase.action === 'stale'))
}

/** The registry every peer is pointed at (utoo's own default is unreachable here). */
export const REGISTRY = 'https://registry.npmjs.org/'

/** The lockfile each tool reads and writes. */
export const LOCKFILE_NAME: Record<ToolName, string> = {
  skiff: 'package-lock.json',
  npm: 'package-lock.json',
  utoo: 'package-lock.json',
  bun: 'bun.lock',
  pnpm: 'pnpm-lock.yaml',
}

/**
 * Files written into every project folder of a tool besides package.json, .npmrc and the lockfile.
 * pnpm 12 re-checks every locked version against `minimumReleaseAge` (default 1 day), fetching
 * each package's full metadata during a frozen install, and picks older versions when resolving;
 * 0 keeps it to the lockfile and the same registry view as the others. Where the fixture's
 * .npmrc sets legacy-peer-deps (npm leaves peers out), pnpm's match is autoInstallPeers: false.
 */
export function extraProjectFiles(tool: ToolName, legacyPeerDeps: boolean): Record<string, string> {
  if (tool !== 'pnpm') return {}
  return { 'pnpm-workspace.yaml': 'minimumReleaseAge: 0\n' + (legacyPeerDeps ? 'autoInstallPeers: false\n' : '') }
}

/** cacheDir is the phase's cache folder; pnpm keeps its store and its metadata cache inside it. */
export interface CommandInput {
  tool: ToolName
  action: Action
  cacheDir: string
  /** the fixture's .npmrc sets legacy-peer-deps=true (utoo takes it as a flag only) */
  legacyPeerDeps: boolean
  /** another registry than REGISTRY */
  registry?: string
}

export interface PhaseCommand {
  args: string[]
  env: Record<string, string>
  /** the stale phase's second command (the removal), run after `args` with the same env */
  thenArgs?: string[]
}

/** Every tool runs as in CI: CI=true, no TTY, lifecycle scripts off. */
const CI_ENV = { CI: 'true' }

export function buildCommand(input: CommandInput): PhaseCommand {
  const command = input.action === 'stale' ? { ...actionCommand(input), thenArgs: removeCommand(input) } : actionCommand(input)
  return input.registry === undefined ? command : withRegistry(input.tool, command, input.registry)
}

/** The same command against another registry (a recording proxy when requests are counted). */
function withRegistry(tool: ToolName, command: PhaseCommand, registry: string): PhaseCommand {
  const swap = (args: string[]) => (tool === 'utoo' ? args.map((arg) => (arg === REGISTRY ? registry : arg)) : [...args, '--registry', registry])
  if (tool === 'bun') return { ...command, env: { ...command.env, BUN_CONFIG_REGISTRY: registry } }
  return { ...command, args: swap(command.args), ...(command.thenArgs === undefined ? {} : { thenArgs: swap(command.thenArgs) }) }
}

function actionCommand({ tool, action, cacheDir, legacyPeerDeps }: CommandInput): PhaseCommand {
  switch (tool) {
    case 'skiff':
      return { args: npmStyleArgs(action, ['--cache', cacheDir]), env: CI_ENV }
    case 'npm':
      return { args: npmStyleArgs(action, ['--cache', cacheDir, '--no-audit', '--no-fund']), env: CI_ENV }
    case 'bun':
      return { args: bunArgs(action), env: { ...CI_ENV, BUN_INSTALL_CACHE_DIR: cacheDir } }
    case 'pnpm':
      return {
        args: [...pnpmArgs(action), '--store-dir', `${cacheDir}/store`],
        env: { ...CI_ENV, XDG_CACHE_HOME: `${cacheDir}/xdg-cache` },
      }
    case 'utoo': {
      const common = ['--registry', REGISTRY, '--cache-dir', cacheDir]
      const peers = legacyPeerDeps && action !== 'install-locked' ? ['--legacy-peer-deps'] : []
      const stale = action === 'stale' ? [STALE_PACKAGE.spec] : []
      const args = action === 'resolve' ? ['deps', ...common, ...peers] : ['install', ...stale, '--ignore-scripts', ...common, ...peers]
      return { args, env: CI_ENV }
    }
    default: {
      const unknownTool: never = tool
      throw new Error(`no command for ${String(unknownTool)}`)
    }
  }
}

/** The stale phase's removal, with the same cache and settings as its addition. */
function removeCommand({ tool, cacheDir, legacyPeerDeps }: CommandInput): string[] {
  const { name } = STALE_PACKAGE
  switch (tool) {
    case 'skiff':
      return ['uninstall', name, '--ignore-scripts', '--cache', cacheDir]
    case 'npm':
      return ['uninstall', name, '--ignore-scripts', '--cache', cacheDir, '--no-audit', '--no-fund']
    case 'bun':
      return ['remove', name, '--ignore-scripts']
    case 'pnpm':
      return ['remove', name, '--ignore-scripts', '--store-dir', `${cacheDir}/store`]
    case 'utoo':
      return ['uninstall', name, '--ignore-scripts', '--registry', REGISTRY, '--cache-dir', cacheDir, ...(legacyPeerDeps ? ['--legacy-peer-deps'] : [])]
  }
}

function npmStyleArgs(action: Action, extra: string[]): string[] {
  switch (action) {
    case 'stale':
      return ['install', STALE_PACKAGE.spec, '--ignore-scripts', ...extra]
    case 'install-locked':
      return ['ci', '--ignore-scripts', ...extra]
    case 'install-fresh':
      return ['install', '--ignore-scripts', ...extra]
    case 'resolve':
      return ['install', '--package-lock-only', '--ignore-scripts', ...extra]
  }
}

function bunArgs(action: Action): string[] {
  switch (action) {
    case 'stale':
      return ['add', STALE_PACKAGE.spec, '--ignore-scripts']
    case 'install-locked':
      return ['install', '--frozen-lockfile', '--ignore-scripts']
    case 'install-fresh':
      return ['install', '--ignore-scripts']
    case 'resolve':
      return ['install', '--lockfile-only', '--ignore-scripts']
  }
}

function pnpmArgs(action: Action): string[] {
  switch (action) {
    case 'stale':
      return ['add', STALE_PACKAGE.spec, '--ignore-scripts']
    case 'install-locked':
      return ['install', '--frozen-lockfile', '--ignore-scripts']
    case 'install-fresh':
      return ['install', '--no-frozen-lockfile', '--ignore-scripts']
    case 'resolve':
      return ['install', '--lockfile-only', '--no-frozen-lockfile', '--ignore-scripts']
  }
}
