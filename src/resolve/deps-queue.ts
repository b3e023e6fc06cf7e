import type { Node } from './node.ts'

const byLocation = new Intl.Collator('en')

/**
 * Nodes in, shallowest first then by location (arborist's DepsQueue): when something was
 * queued since the last pop, the queue is sorted again, stably, by each node's depth and
 * location at that moment.
 *
 * The same order for less: the part sorted at the last pop stays sorted unless one of its
 * nodes has moved since (checked: its depth and location as sorted), so the newcomers are
 * sorted among themselves and each put after everything in the queue that does not come
 * after it, which is where a stable sort of the whole queue puts it. A node found moved sorts
 * the whole queue again. (antd: sorting the whole queue after every step was 7% of the
 * resolver's thread, most of it in the collator.)
 */
export class DepsQueue {
  /** sorted by the depth and location each node had when it was sorted in */
  #sorted: Key[] = []
  /** queued since the last pop, in the order they came */
  #pending: Node[] = []
  readonly #queued = new Set<Node>()

  get length(): number {
    return this.#sorted.length + this.#pending.length
  }

  push(node: Node): void {
    if (this.#queued.has(node)) return
    this.#queued.add(node)
    this.#pending.push(node)
  }

  pop(): Node | undefined {
    if (this.#pending.length > 0) this.#sortIn()
    const node = this.#sorted.shift()?.node
    if (node !== undefined) this.#queued.delete(node)
    return node
  }

  #sortIn(): void {
    const newcomers = this.#pending.map(keyOf).sort(compareKeys)
    this.#pending = []
    if (!this.#sorted.every((key) => key.node.location === key.location && key.node.depth === key.depth)) {
      // a node moved: everything is sorted again by where it is now (stable: the queue, then the newcomers)
      this.#sorted = [...this.#sorted.map((key) => keyOf(key.node)), ...newcomers].sort(compareKeys)
      return
    }
    for (const key of newcomers) this.#sorted.splice(this.#after(key), 0, key)
  }

  /** The index after the last sorted node that does not come after `key`. */
  #after(key: Key): number {
    let low = 0
    let high = this.#sorted.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (compareKeys(this.#sorted[middle] as Key, key) <= 0) low = middle + 1
      else high = middle
    }
    return low
  }
}

interface Key {
  node: Node
  depth: number
  location: string
}

function keyOf(node: Node): Key {
  return { node, depth: node.depth, location: node.location }
}

function compareKeys(a: Key, b: Key): number {
  return a.depth - b.depth || byLocation.compare(a.location, b.location)
}
