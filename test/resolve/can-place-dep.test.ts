import { describe, expect, test } from 'bun:test'
import { CanPlaceDep, type Placement } from '../../src/resolve/can-place-dep.ts'
import type { Node } from '../../src/resolve/node.ts'
import { at, buildTree, candidate, type NodeLiteral } from './tree-literal.ts'

interface Case {
  name: string
  tree: NodeLiteral
  /** the node whose edge wants the dependency */
  from: string
  dep: { name: string } & NodeLiteral
  peers?: Record<string, NodeLiteral>
  target: string
  expected: { canPlace: Placement; canPlaceSelf: Placement }
}

const cases: Case[] = [
  {
    name: 'nothing by that name in the target: OK',
    tree: { dependencies: { a: '^1' } },
    from: '',
    dep: { name: 'a', version: '1.0.0' },
    target: '',
    expected: { canPlace: 'OK', canPlaceSelf: 'OK' },
  },
  {
    name: 'the same package already there: KEEP',
    tree: { dependencies: { a: '^1' }, children: { a: { version: '1.0.0' } } },
    from: '',
    dep: { name: 'a', version: '1.0.0' },
    target: '',
    expected: { canPlace: 'KEEP', canPlaceSelf: 'KEEP' },
  },
  {
    name: 'an older version nobody else needs: REPLACE',
    tree: { dependencies: { a: '^1' }, children: { a: { version: '1.0.0' } } },
    from: '',
    dep: { name: 'a', version: '1.1.0' },
    target: '',
    expected: { canPlace: 'REPLACE', canPlaceSelf: 'REPLACE' },
  },
  {
    name: 'a newer version there that satisfies the edge: KEEP',
    tree: {
      dependencies: { b: '1', c: '1' },
      children: { a: { version: '1.2.0' }, b: { version: '1.0.0', dependencies: { a: '^1.2.0' } }, c: { version: '1.0.0', dependencies: { a: '^1' } } },
    },
    from: 'node_modules/c',
    dep: { name: 'a', version: '1.1.0' },
    target: '',
    expected: { canPlace: 'KEEP', canPlaceSelf: 'KEEP' },
  },
  {
    name: 'a version there that someone else needs, above the deepest target: CONFLICT',
    tree: {
      dependencies: { b: '1', c: '1' },
      children: { a: { version: '1.0.0' }, b: { version: '1.0.0', dependencies: { a: '^1' } }, c: { version: '1.0.0', dependencies: { a: '^2' } } },
    },
    from: 'node_modules/c',
    dep: { name: 'a', version: '2.0.0' },
    target: '',
    expected: { canPlace: 'CONFLICT', canPlaceSelf: 'CONFLICT' },
  },
  {
    name: 'the same conflict at the dependent itself: OK there',
    tree: {
      dependencies: { b: '1', c: '1' },
      children: { a: { version: '1.0.0' }, b: { version: '1.0.0', dependencies: { a: '^1' } }, c: { version: '1.0.0', dependencies: { a: '^2' } } },
    },
    from: 'node_modules/c',
    dep: { name: 'a', version: '2.0.0' },
    target: 'node_modules/c',
    expected: { canPlace: 'OK', canPlaceSelf: 'OK' },
  },
  {
    name: 'a target with a peer dependency on the name cannot hold it: CONFLICT',
    tree: { dependencies: { b: '1' }, children: { b: { version: '1.0.0', peerDependencies: { a: '^1' } } } },
    from: 'node_modules/b',
    dep: { name: 'a', version: '1.0.0' },
    target: 'node_modules/b',
    expected: { canPlace: 'CONFLICT', canPlaceSelf: 'CONFLICT' },
  },
  {
    name: 'a copy there would shadow the one a sibling below relies on: CONFLICT',
    tree: {
      dependencies: { a: '^1', b: '1' },
      children: {
        a: { version: '1.0.0' },
        b: {
          version: '1.0.0',
          dependencies: { c: '1', d: '1' },
          children: { c: { version: '1.0.0', dependencies: { a: '^2' } }, d: { version: '1.0.0', dependencies: { a: '^1' } } },
        },
      },
    },
    from: 'node_modules/b/node_modules/c',
    dep: { name: 'a', version: '2.0.0' },
    target: 'node_modules/b',
    expected: { canPlace: 'CONFLICT', canPlaceSelf: 'CONFLICT' },
  },
  {
    name: 'the dep fits but its peer conflicts with the project: CONFLICT, though the dep alone is OK',
    tree: { dependencies: { p: '1', q: '^2' }, children: { q: { version: '2.0.0' } } },
    from: '',
    dep: { name: 'p', version: '1.0.0', peerDependencies: { q: '^1' } },
    peers: { q: { version: '1.0.0' } },
    target: '',
    expected: { canPlace: 'CONFLICT', canPlaceSelf: 'OK' },
  },
]

describe('CanPlaceDep', () => {
  for (const item of cases) {
    test(item.name, () => {
      const root = buildTree(item.tree)
      const from: Node = at(root, item.from)
      const { name, ...literal } = item.dep
      const dep = candidate(from, name, literal, item.peers)
      const edge = from.edgesOut.get(name)
      if (edge === undefined) throw new Error(`${item.from || 'root'} has no edge ${name}`)
      const check = new CanPlaceDep({ dep, edge, target: at(root, item.target) })
      expect({ canPlace: check.canPlace, canPlaceSelf: check.canPlaceSelf }).toEqual(item.expected)
    })
  }

  test('never changes the tree it looks at', () => {
    const root = buildTree(cases[4]?.tree ?? {})
    const before = [...(root.index?.inventory.keys() ?? [])]
    const from = at(root, 'node_modules/c')
    const edge = from.edgesOut.get('a')
    if (edge === undefined) throw new Error('no edge')
    void new CanPlaceDep({ dep: candidate(from, 'a', { version: '2.0.0' }), edge, target: root })
    expect([...(root.index?.inventory.keys() ?? [])]).toEqual(before)
    expect(edge.to?.version).toBe('1.0.0')
  })
})
