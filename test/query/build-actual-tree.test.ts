import { describe, expect, test } from 'bun:test'
import type { ActualTree, TreeNode } from '../../src/query/index.ts'
import { isInBundle } from '../../src/query/tree-model.ts'
import { problemProject, treeOf, workspaceProject } from './tree-literal.ts'

const node = (tree: ActualTree, location: string): TreeNode => {
  const found = tree.inventory.get(location)
  if (found === undefined) throw new Error(`no node at ${location}`)
  return found
}

const edgeSummary = (from: TreeNode) => [...from.edgesOut.values()].map((edge) => `${edge.type} ${edge.name}@${edge.spec} -> ${edge.to?.location ?? '-'} ${edge.error ?? 'ok'}`)

describe('buildActualTree', () => {
  test('the root gets edges in arborist order, each resolved and checked: missing, invalid, unmet optional', () => {
    const tree = treeOf(problemProject)
    expect(edgeSummary(tree.root)).toEqual([
      'prod a@^1.0.0 -> node_modules/a ok',
      'prod b@^1.0.0 -> node_modules/b ok',
      'prod c@^2.0.0 -> - MISSING',
      'prod d@^1.0.0 -> node_modules/d INVALID',
      'optional e@^1.0.0 -> - ok',
      'dev f@^1.0.0 -> node_modules/f ok',
    ])
    expect(edgeSummary(node(tree, 'node_modules/b'))).toEqual([
      'prod shared@^1.0.0 -> node_modules/shared ok',
      'prod nested@^1.0.0 -> node_modules/b/node_modules/nested ok',
    ])
    expect(edgeSummary(node(tree, 'node_modules/f'))).toEqual(['peer a@^1.0.0 -> node_modules/a ok'])
  })

  test('what no edge reaches is extraneous, dev-only packages are dev, and the root has no flags', () => {
    const tree = treeOf(problemProject)
    const flags = (location: string) => {
      const { dev, optional, devOptional, peer, extraneous } = node(tree, location)
      return { dev, optional, devOptional, peer, extraneous }
    }
    expect(flags('')).toEqual({ dev: false, optional: false, devOptional: false, peer: false, extraneous: false })
    expect(flags('node_modules/g').extraneous).toBe(true)
    expect(flags('node_modules/f')).toEqual({ dev: true, optional: false, devOptional: false, peer: false, extraneous: false })
    expect(flags('node_modules/shared')).toEqual({ dev: false, optional: false, devOptional: false, peer: false, extraneous: false })
  })

  test('workspaces: edges from the root to their links, dev dependencies of the folder, links reach their targets', () => {
    const tree = treeOf(workspaceProject)
    expect(edgeSummary(tree.root).slice(0, 2)).toEqual([
      'workspace ws-a@file:/p/packages/ws-a -> node_modules/ws-a ok',
      'workspace ws-b@file:/p/packages/ws-b -> node_modules/ws-b ok',
    ])
    expect(edgeSummary(node(tree, 'packages/ws-a'))).toEqual([
      'prod shared@^1.0.0 -> node_modules/shared ok',
      'dev devthing@^1.0.0 -> node_modules/devthing ok',
    ])
    expect(node(tree, 'node_modules/ws-a').target).toBe(node(tree, 'packages/ws-a'))
    expect(node(tree, 'node_modules/ws-a').resolved).toBe('file:../packages/ws-a')
    expect(node(tree, 'node_modules/devthing').dev).toBe(true)
    expect(node(tree, 'node_modules/shared').dev).toBe(false)
  })

  test('a package listed in its parent bundle is in the bundle', () => {
    const tree = treeOf(workspaceProject)
    expect(isInBundle(node(tree, 'node_modules/@s/x/node_modules/bun'))).toBe(true)
    expect(isInBundle(node(tree, 'node_modules/@s/x'))).toBe(false)
  })

  test('edges reach a node root first, then by location; with workspaces the root comes last', () => {
    const shared = { name: 'shared', version: '1.0.0' }
    const plain = treeOf({
      root: { dependencies: { shared: '1', z: '1', a: '1' } },
      packages: { 'node_modules/shared': shared, 'node_modules/z': { version: '1.0.0', dependencies: { shared: '1' } }, 'node_modules/a': { version: '1.0.0', dependencies: { shared: '1' } } },
    })
    expect(node(plain, 'node_modules/shared').edgesIn.map((edge) => edge.from.location)).toEqual(['', 'node_modules/a', 'node_modules/z'])
    const withWorkspaces = treeOf({ ...workspaceProject, root: { ...workspaceProject.root, dependencies: { shared: '1' } } })
    expect(node(withWorkspaces, 'node_modules/shared').edgesIn.map((edge) => edge.from.location)).toEqual(['node_modules/devthing', 'packages/ws-a', 'packages/ws-b', ''])
  })

  test('from the hidden lockfile, edges reach a node in the order npm grows its tree: depth first, not by location', () => {
    const tree = treeOf({
      root: { dependencies: { m: '1', 'm-j': '1' } },
      source: 'hidden lockfile',
      packages: {
        'node_modules/m': { version: '1.0.0', dependencies: { t: '1', x: '1' } },
        'node_modules/m-j': { version: '1.0.0', dependencies: { t: '1' } },
        'node_modules/m/node_modules/x': { version: '1.0.0', dependencies: { t: '1' } },
        'node_modules/t': { version: '1.0.0' },
      },
    })
    expect(node(tree, 'node_modules/t').edgesIn.map((edge) => edge.from.location)).toEqual(['node_modules/m', 'node_modules/m/node_modules/x', 'node_modules/m-j'])
  })

  test('an edge that first finds a farther copy moves to a closer one added later, at the end of its list', () => {
    const tree = treeOf({
      root: { dependencies: { a: '1', t: '1' } },
      source: 'hidden lockfile',
      packages: {
        'node_modules/t': { version: '1.0.0' },
        'node_modules/z': { version: '1.0.0', dependencies: { t: '2' } },
        'node_modules/z/node_modules/q': { version: '1.0.0', dependencies: { t: '2' } },
        'node_modules/z/node_modules/t': { version: '2.0.0' },
      },
    })
    expect(node(tree, 'node_modules/t').edgesIn.map((edge) => edge.from.location)).toEqual([''])
    expect(node(tree, 'node_modules/z/node_modules/t').edgesIn.map((edge) => edge.from.location)).toEqual(['node_modules/z', 'node_modules/z/node_modules/q'])
  })

  test('overrides: an edge wants the override, the exact version it set is marked overridden', () => {
    const tree = treeOf({
      root: { dependencies: { a: '1', b: '1' }, overrides: { c: '2.0.0', 'd@^1': '1.5.0', e: { '.': '$a' } } },
      packages: {
        'node_modules/a': { version: '1.0.0', dependencies: { c: '^1.0.0', d: '^1.0.0', e: '^3.0.0' } },
        'node_modules/b': { version: '1.0.0', dependencies: { d: '^2.0.0' } },
        'node_modules/c': { version: '2.0.0' },
        'node_modules/d': { version: '1.5.0' },
        'node_modules/e': { version: '1.0.0' },
        'node_modules/b/node_modules/d': { version: '2.1.0' },
      },
    })
    const a = node(tree, 'node_modules/a')
    expect([...a.edgesOut.values()].map((edge) => [edge.name, edge.rawSpec, edge.spec, edge.error ?? 'ok'])).toEqual([
      ['c', '^1.0.0', '2.0.0', 'ok'],
      ['d', '^1.0.0', '1.5.0', 'ok'],
      ['e', '^3.0.0', '1', 'ok'],
    ])
    expect(node(tree, 'node_modules/b').edgesOut.get('d')?.spec).toBe('^2.0.0')
    expect(node(tree, 'node_modules/c').overridden).toBe(true)
    expect(node(tree, 'node_modules/d').overridden).toBe(true)
    expect(node(tree, 'node_modules/b/node_modules/d').overridden).toBe(false)
  })

  test('legacy peer deps: no peer edges', () => {
    const literal = { root: { dependencies: { p: '1' } }, packages: { 'node_modules/p': { version: '1.0.0', peerDependencies: { q: '1' } } } }
    expect(treeOf(literal).inventory.get('node_modules/p')?.edgesOut.has('q')).toBe(true)
    expect(treeOf({ ...literal, legacyPeerDeps: true }).inventory.get('node_modules/p')?.edgesOut.size).toBe(0)
  })

  const validity: Array<[string, string, Record<string, unknown>, string | undefined, string | undefined]> = [
    ['a range the version satisfies', '^1.2.0', { version: '1.3.0' }, undefined, 'ok'],
    ['a range the version misses', '^2.0.0', { version: '1.3.0' }, undefined, 'INVALID'],
    ['a prerelease outside a plain range', '^1.0.0', { version: '1.5.0-beta.1' }, undefined, 'INVALID'],
    ['* with any version, prerelease included', '*', { version: '3.0.0-rc.1' }, undefined, 'ok'],
    ['an empty spec as *', '', { version: '3.0.0' }, undefined, 'ok'],
    ['an alias whose target range the real package satisfies', 'npm:real@^1.0.0', { name: 'real', version: '1.2.0' }, undefined, 'ok'],
    ['an alias whose target range it misses', 'npm:real@^2.0.0', { name: 'real', version: '1.2.0' }, undefined, 'INVALID'],
    ['a dist-tag, installed from a registry', 'latest', { version: '1.0.0' }, 'https://registry.npmjs.org/x/-/x-1.0.0.tgz', 'ok'],
    ['a dist-tag, with no record of where it came from', 'latest', { version: '1.0.0' }, undefined, 'INVALID'],
    ['a tarball URL it was installed from', 'https://example.com/x.tgz', { version: '1.0.0' }, 'https://example.com/x.tgz', 'ok'],
    ['a tarball URL it was not installed from', 'https://example.com/x.tgz', { version: '1.0.0' }, 'https://example.com/y.tgz', 'INVALID'],
    ['a folder, when the package is not a link to it', 'file:../x', { version: '1.0.0' }, undefined, 'INVALID'],
    ['a spec npm cannot read', 'workspace:*', { version: '1.0.0' }, undefined, 'INVALID'],
  ]
  test.each(validity)('an installed package checked against %s', (_name, spec, manifest, resolved, expected) => {
    const tree = treeOf({
      root: { dependencies: { x: spec } },
      packages: { 'node_modules/x': { name: 'x', ...manifest } },
      ...(resolved === undefined ? {} : { resolved: { 'node_modules/x': resolved } }),
    })
    expect(tree.root.edgesOut.get('x')?.error ?? 'ok').toBe(expected as string)
  })

  test('acceptDependencies satisfies an edge its spec does not', () => {
    const tree = treeOf({ root: { dependencies: { x: '^2.0.0' }, acceptDependencies: { x: '^1.0.0' } }, packages: { 'node_modules/x': { version: '1.4.0' } } })
    expect(tree.root.edgesOut.get('x')?.error).toBeUndefined()
  })

  test('a peer dependency installed under the package that asks for it is PEER LOCAL', () => {
    const tree = treeOf({
      root: { dependencies: { p: '1' } },
      packages: {
        'node_modules/p': { version: '1.0.0', dependencies: { q: '1' } },
        'node_modules/p/node_modules/q': { version: '1.0.0', peerDependencies: { r: '1' } },
        'node_modules/p/node_modules/q/node_modules/r': { version: '1.0.0' },
      },
    })
    expect(node(tree, 'node_modules/p/node_modules/q').edgesOut.get('r')?.error).toBe('PEER LOCAL')
  })

  test('a link to a folder satisfies a file: spec naming that folder', () => {
    const tree = treeOf({ root: { dependencies: { lib: 'file:../lib' } }, packages: { '../lib': { name: 'lib', version: '1.0.0' }, 'node_modules/lib': '../lib' } })
    expect(tree.root.edgesOut.get('lib')?.error).toBeUndefined()
    expect(node(tree, '../lib').fsParent).toBeUndefined()
  })

  test('a package whose node_modules owner is not installed is left out', () => {
    const tree = treeOf({ root: {}, packages: { 'node_modules/gone/node_modules/x': { version: '1.0.0' } } })
    expect([...tree.inventory.keys()]).toEqual([''])
  })
})
