/**
 * Actual trees from literals for the query tests: the root's package.json, then installed
 * packages by location (a string value is a link to that location), as the loader would read
 * them from node_modules.
 */
import { buildActualTree, type ActualTree, type InstalledEntry, type TreeSource } from '../../src/query/index.ts'
import { readPackageInfo } from '../../src/query/package-info.ts'

export const PROJECT = '/p'

export interface TreeLiteral {
  root: Record<string, unknown>
  packages?: Record<string, Record<string, unknown> | string>
  /** name → location */
  workspaces?: Record<string, string>
  /** where the packages were read (default node_modules) */
  source?: TreeSource
  /** `resolved` of packages, by location (what a hidden lockfile records) */
  resolved?: Record<string, string>
  legacyPeerDeps?: boolean
}

export function treeOf(literal: TreeLiteral): ActualTree {
  const entries = new Map<string, InstalledEntry>()
  for (const [location, value] of Object.entries(literal.packages ?? {})) {
    if (typeof value === 'string') {
      entries.set(location, { package: readPackageInfo({}), linkTarget: value })
      continue
    }
    const entry: InstalledEntry = { package: readPackageInfo(value) }
    const resolved = literal.resolved?.[location]
    if (resolved !== undefined) entry.resolved = resolved
    entries.set(location, entry)
  }
  return buildActualTree({
    projectDir: PROJECT,
    rootPackage: readPackageInfo(literal.root),
    entries,
    workspaces: new Map(Object.entries(literal.workspaces ?? {})),
    source: literal.source ?? 'node_modules',
    legacyPeerDeps: literal.legacyPeerDeps === true,
  })
}

/** The project of most tests: a missing, an invalid, an optional missing, a dev, a deduped and an extraneous package. */
export const problemProject: TreeLiteral = {
  root: {
    name: 'app',
    version: '1.0.0',
    dependencies: { a: '^1.0.0', b: '^1.0.0', c: '^2.0.0', d: '^1.0.0' },
    optionalDependencies: { e: '^1.0.0' },
    devDependencies: { f: '^1.0.0' },
  },
  packages: {
    'node_modules/a': { name: 'a', version: '1.0.0', dependencies: { shared: '^1.0.0' }, description: 'the a package' },
    'node_modules/b': { name: 'b', version: '1.0.0', dependencies: { shared: '^1.0.0', nested: '^1.0.0' } },
    'node_modules/b/node_modules/nested': { name: 'nested', version: '1.0.0' },
    'node_modules/shared': { name: 'shared', version: '1.0.0' },
    'node_modules/d': { name: 'd', version: '2.0.0' },
    'node_modules/f': { name: 'f', version: '1.0.0', peerDependencies: { a: '^1.0.0' } },
    'node_modules/g': { name: 'g', version: '1.0.0', dependencies: { h: '^1.0.0' } },
  },
}

/** Two workspaces (one depending on the other), an alias, a bundled package and a dev dependency of a workspace. */
export const workspaceProject: TreeLiteral = {
  root: { name: 'root', version: '0.1.0', workspaces: ['packages/*'], dependencies: { '@s/x': '^1.0.0', al: 'npm:real@^1.0.0' } },
  packages: {
    'packages/ws-a': { name: 'ws-a', version: '1.0.0', dependencies: { shared: '^1.0.0' }, devDependencies: { devthing: '^1.0.0' } },
    'packages/ws-b': { name: 'ws-b', version: '2.0.0', dependencies: { 'ws-a': '^1.0.0' }, peerDependencies: { shared: '^1.0.0' } },
    'node_modules/ws-a': 'packages/ws-a',
    'node_modules/ws-b': 'packages/ws-b',
    'node_modules/shared': { name: 'shared', version: '1.0.0' },
    'node_modules/devthing': { name: 'devthing', version: '1.0.0', dependencies: { shared: '^1.0.0' } },
    'node_modules/al': { name: 'real', version: '1.2.0' },
    'node_modules/@s/x': { name: '@s/x', version: '1.0.0', bundleDependencies: ['bun'], dependencies: { bun: '^1.0.0' } },
    'node_modules/@s/x/node_modules/bun': { name: 'bun', version: '1.0.0' },
  },
  workspaces: { 'ws-a': 'packages/ws-a', 'ws-b': 'packages/ws-b' },
}

/** Overrides: a plain name, a name@range, a $reference. */
export const overrideProject: TreeLiteral = {
  root: { name: 'ov', version: '1.0.0', dependencies: { a: '^1.0.0', b: '^1.0.0', e: '^1.0.0' }, overrides: { c: '2.0.0', 'd@^1': '1.5.0', e: '$a' } },
  packages: {
    'node_modules/a': { name: 'a', version: '1.0.0', dependencies: { c: '^1.0.0', d: '^1.0.0' } },
    'node_modules/b': { name: 'b', version: '1.0.0', dependencies: { c: '^1.0.0', d: '^2.0.0' } },
    'node_modules/c': { name: 'c', version: '2.0.0' },
    'node_modules/d': { name: 'd', version: '1.5.0' },
    'node_modules/e': { name: 'e', version: '1.2.0' },
    'node_modules/b/node_modules/d': { name: 'd', version: '2.1.0' },
  },
}
