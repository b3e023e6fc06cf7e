import { describe, expect, test } from 'bun:test'
import { isSkiffError } from '../../src/error/index.ts'
import { PlaceDep, type PlaceOptions } from '../../src/resolve/place-dep.ts'
import { at, buildTree, candidate, type NodeLiteral, shape } from './tree-literal.ts'

const options = (extra: Partial<PlaceOptions> = {}): PlaceOptions => ({
  explicitRequest: false,
  force: false,
  installStrategy: 'hoisted',
  legacyPeerDeps: false,
  preferDedupe: false,
  strictPeerDeps: false,
  updateNames: [],
  onWarning: () => undefined,
  ...extra,
})

function place(tree: NodeLiteral, from: string, dep: { name: string } & NodeLiteral, peers: Record<string, NodeLiteral> = {}, extra: Partial<PlaceOptions> = {}) {
  const root = buildTree(tree)
  const source = at(root, from)
  const { name, ...literal } = dep
  const edge = source.edgesOut.get(name)
  if (edge === undefined) throw new Error(`no edge ${name}`)
  const placement = new PlaceDep(candidate(source, name, literal, peers), edge, options(extra))
  return { root, placement }
}

describe('PlaceDep', () => {
  test('a dependency goes to the top when nothing is in the way', () => {
    const { root, placement } = place({ dependencies: { a: '1' }, children: { a: { version: '1.0.0', dependencies: { b: '1' } } } }, 'node_modules/a', { name: 'b', version: '1.0.0' })
    expect(placement.placed?.location).toBe('node_modules/b')
    expect(shape(root)).toEqual({ 'node_modules/a': '1.0.0', 'node_modules/b': '1.0.0' })
  })

  test('a conflicting version at the top pushes it under its dependent', () => {
    const tree = { dependencies: { a: '1', b: '^2' }, children: { a: { version: '1.0.0', dependencies: { b: '^1' } }, b: { version: '2.0.0' } } }
    const { root } = place(tree, 'node_modules/a', { name: 'b', version: '1.0.0' })
    expect(shape(root)).toEqual({ 'node_modules/a': '1.0.0', 'node_modules/a/node_modules/b': '1.0.0', 'node_modules/b': '2.0.0' })
  })

  test('peers are placed along with the package that needs them', () => {
    const { root, placement } = place({ dependencies: { p: '1' } }, '', { name: 'p', version: '1.0.0', peerDependencies: { q: '^1' } }, { q: { version: '1.0.0' } })
    expect(shape(root)).toEqual({ 'node_modules/p': '1.0.0', 'node_modules/q': '1.0.0' })
    expect(placement.children.map((child) => child.placed?.location)).toEqual(['node_modules/q'])
  })

  test('a peer set that conflicts with the project is ERESOLVE, and forcing it keeps the project\'s version', () => {
    const tree = { dependencies: { p: '1', q: '^2' }, children: { q: { version: '2.0.0' } } }
    const dep = { name: 'p', version: '1.0.0', peerDependencies: { q: '^1' } }
    let code: string | undefined
    try {
      place(tree, '', dep, { q: { version: '1.0.0' } })
    } catch (error) {
      code = isSkiffError(error) ? error.code : 'not a SkiffError'
    }
    expect(code).toBe('ERESOLVE')
    const warnings: unknown[] = []
    const { root } = place(tree, '', dep, { q: { version: '1.0.0' } }, { force: true, onWarning: (warning) => warnings.push(warning) })
    expect(shape(root)).toEqual({ 'node_modules/p': '1.0.0', 'node_modules/q': '2.0.0' })
    expect(warnings).toHaveLength(1)
  })

  test('replacing a package prunes the dependencies only it needed', () => {
    const tree = { dependencies: { a: '^1' }, children: { a: { version: '1.0.0', dependencies: { x: '1' } }, x: { version: '1.0.0' } } }
    const { root } = place(tree, '', { name: 'a', version: '1.1.0' }, {}, { explicitRequest: true })
    expect(shape(root)).toEqual({ 'node_modules/a': '1.1.0' })
  })

  test('a deeper copy made redundant by the new placement is removed', () => {
    const tree = {
      dependencies: { a: '1', b: '1' },
      children: { a: { version: '1.0.0', dependencies: { c: '^1' }, children: { c: { version: '1.0.0' } } }, b: { version: '1.0.0', dependencies: { c: '^1' } } },
    }
    const { root } = place(tree, 'node_modules/b', { name: 'c', version: '1.0.0' })
    expect(shape(root)).toEqual({ 'node_modules/a': '1.0.0', 'node_modules/b': '1.0.0', 'node_modules/c': '1.0.0' })
    expect(at(root, 'node_modules/a').edgesOut.get('c')?.to?.location).toBe('node_modules/c')
  })

  test('an edge that is already met is left alone', () => {
    const { root, placement } = place({ dependencies: { a: '^1' }, children: { a: { version: '1.0.0' } } }, '', { name: 'a', version: '1.1.0' })
    expect(placement.placed).toBeNull()
    expect(shape(root)).toEqual({ 'node_modules/a': '1.0.0' })
  })
})
