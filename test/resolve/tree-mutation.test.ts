import { describe, expect, test } from 'bun:test'
import { Node } from '../../src/resolve/node.ts'
import { attachChild, removeNode, replaceNode } from '../../src/resolve/tree-mutation.ts'
import { at, buildTree } from './tree-literal.ts'

const newNode = (name: string, version: string, dependencies: Record<string, string> = {}) =>
  new Node({ name, pkg: { name, version, dependencies }, integrity: `sha512-${name}@${version}`, legacyPeerDeps: false })

describe('tree mutations keep every edge pointing at what node_modules lookup finds', () => {
  test('a package added at the top satisfies the missing edges of everything below', () => {
    const root = buildTree({ dependencies: { a: '1' }, children: { a: { version: '1.0.0', dependencies: { c: '^1' } } } })
    const edge = at(root, 'node_modules/a').edgesOut.get('c')
    expect(edge?.error).toBe('MISSING')
    attachChild(newNode('c', '1.2.0'), root)
    expect(edge?.to?.location).toBe('node_modules/c')
    expect(edge?.valid).toBe(true)
  })

  test('a nested copy shadows the top one for its parent only', () => {
    const root = buildTree({
      dependencies: { a: '1', b: '1', c: '^1' },
      children: { a: { version: '1.0.0', dependencies: { c: '^2' } }, b: { version: '1.0.0', dependencies: { c: '^1' } }, c: { version: '1.0.0' } },
    })
    attachChild(newNode('c', '2.0.0'), at(root, 'node_modules/a'))
    expect(at(root, 'node_modules/a').edgesOut.get('c')?.to?.version).toBe('2.0.0')
    expect(at(root, 'node_modules/b').edgesOut.get('c')?.to?.version).toBe('1.0.0')
    expect([...at(root, 'node_modules/c').edgesIn].map((edge) => edge.from?.location).sort()).toEqual(['', 'node_modules/b'])
  })

  test('removing a copy sends its dependents to the one above, and a subtree leaves with its root', () => {
    const root = buildTree({
      dependencies: { a: '1', c: '*' },
      children: { a: { version: '1.0.0', dependencies: { c: '*' }, children: { c: { version: '2.0.0', dependencies: { d: '1' }, children: { d: { version: '1.0.0' } } } } }, c: { version: '1.0.0' } },
    })
    removeNode(at(root, 'node_modules/a/node_modules/c'))
    expect(at(root, 'node_modules/a').edgesOut.get('c')?.to?.location).toBe('node_modules/c')
    expect([...(root.index?.inventory.keys() ?? [])].sort()).toEqual(['', 'node_modules/a', 'node_modules/c'])
  })

  test('a replacement takes the place and the children of the node it replaces', () => {
    const root = buildTree({
      dependencies: { a: '^1' },
      children: { a: { version: '1.0.0', dependencies: { x: '1' }, children: { x: { version: '1.0.0', dependencies: { a: '^1' } } } } },
    })
    const old = at(root, 'node_modules/a')
    const replacement = newNode('a', '1.1.0', { x: '1' })
    replaceNode(replacement, old)
    expect(at(root, 'node_modules/a')).toBe(replacement)
    expect(at(root, 'node_modules/a/node_modules/x').parent).toBe(replacement)
    expect(root.edgesOut.get('a')?.to).toBe(replacement)
    expect(at(root, 'node_modules/a/node_modules/x').edgesOut.get('a')?.to).toBe(replacement)
    expect(old.edgesIn.size).toBe(0)
  })
})
