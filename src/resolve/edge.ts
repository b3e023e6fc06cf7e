/**
 * A dependency edge, as arborist's Edge: from a node, by name, with a type and the spec as
 * written. It points at whatever `from.resolve(name)` finds (node_modules lookup) and is valid
 * when that node satisfies the spec. Overrides change the spec an edge asks for (`spec`),
 * keeping what was written (`rawSpec`). The validity is cached until the edge is reloaded,
 * which every tree change that can affect it does (tree-mutation.ts).
 */
import { OverrideSet, referencedSpec } from '../spec/index.ts'
import { depValid } from './dep-valid.ts'
import type { Node } from './node.ts'

export type EdgeType = 'prod' | 'dev' | 'optional' | 'peer' | 'peerOptional' | 'workspace'
export type EdgeError = 'MISSING' | 'PEER LOCAL' | 'INVALID' | 'DETACHED'

export class Edge {
  readonly name: string
  readonly type: EdgeType
  readonly rawSpec: string
  readonly accept: string | undefined
  from: Node | null
  to: Node | null = null
  overrides: OverrideSet | undefined
  /** a peer conflict was accepted for this edge (warned, or forced): it is left unmet */
  peerConflicted = false
  /** explain.ts's report of this edge, kept until the edge is reloaded (as arborist caches it) */
  explanation: unknown = null
  #error: EdgeError | 'OK' | undefined

  constructor(options: { from: Node; name: string; type: EdgeType; spec: string; accept?: string | undefined }) {
    this.name = options.name
    this.type = options.type
    this.rawSpec = options.spec
    this.accept = options.accept === undefined ? undefined : options.accept || '*'
    this.from = options.from
    options.from.edgesOut.get(this.name)?.detach()
    if (options.from.overrides !== undefined) this.overrides = options.from.overrides.edgeRule(this.name, this.rawSpec)
    options.from.edgesOut.set(this.name, this)
    options.from.root.index?.addEdge(this)
    this.reload(true)
  }

  get peer(): boolean {
    return this.type === 'peer' || this.type === 'peerOptional'
  }

  get optional(): boolean {
    return this.type === 'optional' || this.type === 'peerOptional'
  }

  get dev(): boolean {
    return this.type === 'dev'
  }

  get bundled(): boolean {
    return this.from?.package.bundleDependencies?.includes(this.name) === true
  }

  /** The spec this edge asks for, overrides applied (`$name` read from the root package). */
  get spec(): string {
    const rule = this.overrides
    if (rule === undefined) return this.rawSpec
    const from = this.from
    // a virtual root stands for a node of the real tree: the real root's package is read
    const rootPackage = from?.sourceReference ? from.sourceReference.root.package : from?.root.package
    const spec = rule.replacementSpec(this.name, this.rawSpec, (reference) => referencedSpec(rootPackage, reference) ?? referencedSpec(from?.package, reference))
    if (spec === undefined) throw new Error(`Unable to resolve reference ${rule.value}`)
    return spec
  }

  get valid(): boolean {
    return this.error === null
  }

  get error(): EdgeError | null {
    if (this.#error === undefined) this.#error = this.#computeError()
    return this.#error === 'OK' ? null : this.#error
  }

  #computeError(): EdgeError | 'OK' {
    const { to, from } = this
    if (from === null) return 'DETACHED'
    if (to === null) return this.optional ? 'OK' : 'MISSING'
    if (this.peer && from === to.parent && !from.isTop) return 'PEER LOCAL'
    if (!this.satisfiedBy(to)) return 'INVALID'
    if (this.overrides !== undefined && to.overrides !== undefined && to.edgesOut.size > 0
      && OverrideSet.doConflict(this.overrides, to.overrides)) return 'INVALID'
    return 'OK'
  }

  satisfiedBy(node: Node): boolean {
    const from = this.from
    if (node.name !== this.name || from === null) return false
    if (node.hasShrinkwrap || node.inShrinkwrap || node.inBundle) return depValid(node, this.rawSpec, this.accept, from)
    const keySpec = this.overrides?.keySpec
    if (!keySpec) return depValid(node, this.spec, this.accept, from)
    if (depValid(node, this.spec, this.accept, from)) return true
    if (!depValid(node, this.rawSpec, this.accept, from)) return false
    return !depValid(node, keySpec, this.accept, from)
  }

  /** Find the target again (the tree changed); `hard` forgets the cached validity even if the target is the same. */
  reload(hard = false): void {
    this.explanation = null
    const from = this.from
    if (from === null) return
    let previousRule: OverrideSet | undefined
    let ruleChanged = false
    if (from.overrides !== undefined) {
      const rule = from.overrides.edgeRule(this.name, this.rawSpec)
      if (!rule.isEqual(this.overrides)) {
        ruleChanged = true
        previousRule = this.overrides
        this.overrides = rule
      }
    } else {
      this.overrides = undefined
    }
    const to = from.resolve(this.name)
    if (to !== this.to) {
      this.to?.deleteEdgeIn(this)
      this.to = to
      this.#error = undefined
      to?.addEdgeIn(this)
    } else if (hard) {
      this.#error = undefined
    } else if (ruleChanged && this.to !== null) {
      this.to.overridesEdgeInRemoved(previousRule)
      this.to.overridesEdgeInAdded(this.overrides)
    }
  }

  detach(): void {
    this.explanation = null
    const from = this.from
    this.to?.deleteEdgeIn(this)
    if (from !== null) {
      if (from.edgesOut.get(this.name) === this) from.edgesOut.delete(this.name)
      from.root.index?.removeEdge(this)
    }
    this.to = null
    this.from = null
    this.#error = 'DETACHED'
  }
}
