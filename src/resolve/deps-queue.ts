import type { Node } from './node.ts'

const byLocation = new Intl.Collator('en')

/** Nodes in, shallowest first then by location (arborist's DepsQueue). */
export class DepsQueue {
  #nodes: Node[] = []
  readonly #queued = new Set<Node>()
  #sorted = true

  get length(): number {
    return this.#nodes.length
  }

  push(node: Node): void {
    if (this.#queued.has(node)) return
    this.#queued.add(node)
    this.#sorted = false
    this.#nodes.push(node)
  }

  pop(): Node | undefined {
    if (!this.#sorted) {
      this.#nodes.sort((a, b) => a.depth - b.depth || byLocation.compare(a.location, b.location))
      this.#sorted = true
    }
    const node = this.#nodes.shift()
    if (node !== undefined) this.#queued.delete(node)
    return node
  }
}
