/**
 * What each phase starts from, and the exact command each tool gets for it.
 *
 * Every phase runs in a fresh project folder (nothing is deleted right before a timed run) with
 * no node_modules. A phase says whether the tool's own lockfile is copied in, whether the tool's
 * cache is a fresh empty folder or the tool's warm one, and what the timed command does.
 * Adding a phase is one entry in PHASES; the commands come from the action.
 */
import type { ToolName } from './tools.ts'

export type PhaseId = 'p0_full_cold' | 'p1_resolve' | 'p3_cold_install' | 'p4_warm_link'

/** install-locked: install from the lockfile; install-fresh: resolve and install; resolve: write the lockfile only */
export type Action = 'install-locked' | 'install-fresh' | 'resolve'

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
]

export function findPhase(name: string): Phase | undefined {
  return PHASES.find((phase) => phase.short === name || phase.id === name)
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
}

export interface PhaseCommand {
  args: string[]
  env: Record<string, string>
}

/** Every tool runs as in CI: CI=true, no TTY, lifecycle scripts off. */
const CI_ENV = { CI: 'true' }

export function buildCommand({ tool, action, cacheDir, legacyPeerDeps }: CommandInput): PhaseCommand {
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
      const args = action === 'resolve' ? ['deps', ...common, ...peers] : ['install', '--ignore-scripts', ...common, ...peers]
      return { args, env: CI_ENV }
    }
    default: {
      const unknownTool: never = tool
      throw new Error(`no command for ${String(unknownTool)}`)
    }
  }
}

function npmStyleArgs(action: Action, extra: string[]): string[] {
  switch (action) {
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
    case 'install-locked':
      return ['install', '--frozen-lockfile', '--ignore-scripts']
    case 'install-fresh':
      return ['install', '--no-frozen-lockfile', '--ignore-scripts']
    case 'resolve':
      return ['install', '--lockfile-only', '--no-frozen-lockfile', '--ignore-scripts']
  }
}
