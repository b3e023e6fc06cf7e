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
  /** sorted by `#depths` and `#locations`, which are what each node had when it was sorted */
  #nodes: Node[] = []
  #depths: number[] = []
  #locations: string[] = []
  /** queued since the last pop, in the order they came */
  #pending: Node[] = []
  readonly #queued = new Set<Node>()

  get length(): number {
    return this.#nodes.length + this.#pending.length
  }

  push(node: Node): void {
    if (this.#queued.has(node)) return
    this.#queued.add(node)
    this.#pending.push(node)
  }

  pop(): Node | undefined {
    if (this.#pending.length > 0) this.#sortIn()
    const node = this.#nodes.shift()
    if (node === undefined) return undefined
    this.#depths.shift()
    this.#locations.shift()
    this.#queued.delete(node)
    return node
  }

  #sortIn(): void {
    const newcomers = this.#pending.map(keyOf)
    this.#pending = []
    if (!this.#unmoved()) {
      const all = [...this.#nodes.map(keyOf), ...newcomers].sort(compareKeys)
      this.#nodes = all.map((key) => key.node)
      this.#depths = all.map((key) => key.depth)
      this.#locations = all.map((key) => key.location)
      return
    }
    newcomers.sort(compareKeys)
    for (const key of newcomers) {
      const at = this.#after(key)
      this.#nodes.splice(at, 0, key.node)
      this.#depths.splice(at, 0, key.depth)
      this.#locations.splice(at, 0, key.location)
    }
  }

  /** Whether every sorted node still has the depth and location it was sorted by. */
  #unmoved(): boolean {
    const nodes = this.#nodes
    for (let index = 0; index < nodes.length; index++) {
      const node = nodes[index] as Node
      if (node.location !== this.#locations[index] || node.depth !== this.#depths[index]) return false
    }
    return true
  }

  /** The index after the last sorted node that does not come after `key`. */
  #after(key: Key): number {
    let low = 0
    let high = this.#nodes.length
    while (low < high) {
      const middle = (low + high) >>> 1
      const order = (this.#depths[middle] as number) - key.depth || byLocation.compare(this.#locations[middle] as string, key.location)
      if (order <= 0) low = middle + 1
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
