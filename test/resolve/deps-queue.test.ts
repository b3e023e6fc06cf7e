import { describe, expect, test } from 'bun:test'
import { DepsQueue } from '../../src/resolve/deps-queue.ts'
import type { Node } from '../../src/resolve/node.ts'
import { attachChild } from '../../src/resolve/tree-mutation.ts'
import { at, buildTree } from './tree-literal.ts'

const collator = new Intl.Collator('en')

/** arborist's queue as it is written: the whole queue sorted again, stably, at a pop after a push */
class WholeSortQueue {
  #nodes: Node[] = []
  #queued = new Set<Node>()
  #sorted = true
  push(node: Node): void {
    if (this.#queued.has(node)) return
    this.#queued.add(node)
    this.#sorted = false
    this.#nodes.push(node)
  }
  pop(): Node | undefined {
    if (!this.#sorted) {
      this.#nodes.sort((a, b) => a.depth - b.depth || collator.compare(a.location, b.location))
      this.#sorted = true
    }
    const node = this.#nodes.shift()
    if (node !== undefined) this.#queued.delete(node)
    return node
  }
}

function tree() {
  const leaf = { version: '1.0.0' }
  return buildTree({
    children: {
      'Zeta': leaf,
      '@scope/b': leaf,
      'a-b': { ...leaf, children: { c: leaf, 'C-2': leaf } },
      a_b: { ...leaf, children: { d: { ...leaf, children: { e: leaf } } } },
      ab: leaf,
      '@scope/a': { ...leaf, children: { x: leaf } },
      b: { ...leaf, children: { x: leaf, y: leaf } },
    },
  })
}

describe('DepsQueue', () => {
  test('pops in the order of a whole stable sort at each pop, through pushes, repeats and pops between them', () => {
    const root = tree()
    const nodes = [...(root.index?.inventory.values() ?? [])].filter((node) => node !== root)
    // a fixed shuffle: pushes in batches, some nodes pushed twice, pops in between
    let seed = 7
    // mulberry32
    const next = () => {
      seed = (seed + 0x6d2b79f5) | 0
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return (t ^ (t >>> 14)) >>> 0
    }
    const plan: Array<Node | 'pop'> = []
    for (let round = 0; round < 60; round++) {
      const pushes = next() % 4
      for (let i = 0; i < pushes; i++) plan.push(nodes[next() % nodes.length] as Node)
      if (next() % 3 !== 0) plan.push('pop')
    }
    const queue = new DepsQueue()
    const reference = new WholeSortQueue()
    const popped: string[] = []
    const expected: string[] = []
    for (const step of [...plan, ...Array<'pop'>(nodes.length).fill('pop')]) {
      if (step === 'pop') {
        popped.push(queue.pop()?.location ?? '-')
        expected.push(reference.pop()?.location ?? '-')
      } else {
        queue.push(step)
        reference.push(step)
      }
    }
    expect(popped).toEqual(expected)
    expect(popped.filter((location) => location !== '-').length).toBeGreaterThan(nodes.length * 2)
    expect(queue.length).toBe(0)
  })

  test('a queued node that moved is sorted by where it is now, once something else is queued', () => {
    const root = tree()
    const queue = new DepsQueue()
    const reference = new WholeSortQueue()
    const zeta = at(root, 'node_modules/Zeta')
    for (const location of ['node_modules/ab', 'node_modules/b', 'node_modules/Zeta']) {
      queue.push(at(root, location))
      reference.push(at(root, location))
    }
    expect(queue.pop()?.location).toBe('node_modules/ab')
    expect(reference.pop()?.location).toBe('node_modules/ab')
    // Zeta goes under b: deeper, and after everything at the top
    attachChild(zeta, at(root, 'node_modules/b'))
    for (const location of ['node_modules/a-b', 'node_modules/a-b/node_modules/c']) {
      queue.push(at(root, location))
      reference.push(at(root, location))
    }
    const order = (q: { pop(): Node | undefined }) => Array.from({ length: 4 }, () => q.pop()?.location)
    const expected = order(reference)
    expect(expected).toEqual(['node_modules/a-b', 'node_modules/b', 'node_modules/a-b/node_modules/c', 'node_modules/b/node_modules/Zeta'])
    expect(order(queue)).toEqual(expected)
  })
})
