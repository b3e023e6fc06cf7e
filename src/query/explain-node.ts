/**
 * Why a package is installed, as arborist's Node.explain and Edge.explain build it for
 * `npm explain`: a node lists every edge that reaches it (an invalid edge only when it comes
 * from the root, since it holds nothing in place), each edge names the node it comes from,
 * explained the same way, up to the root project. A node already on the path is named
 * without its dependents (cycles end there). Explanations are kept per node and per edge
 * and reused, as arborist caches them, so a node met again shows what was built first.
 */
import { bundlerOf, isWorkspace, type ActualTree, type EdgeType, type TreeEdge, type TreeNode } from './tree-model.ts'

export interface NodeExplanation {
  name?: string | null
  version?: string
  /** a package without name or version: npm lists an error (printed as `{}`) and the package */
  errors?: Array<Record<string, never>>
  package?: Readonly<Record<string, unknown>>
  location?: string
  isWorkspace?: boolean | null
  dependents?: EdgeExplanation[]
  linksIn?: NodeExplanation[]
  extraneous?: boolean
  dev?: boolean
  optional?: boolean
  devOptional?: boolean
  peer?: boolean
  bundled?: boolean
  overridden?: boolean
}

export interface EdgeExplanation {
  type: EdgeType
  name: string
  spec: string
  /** the written spec, when an override changed it */
  rawSpec?: string
  overridden?: true
  bundled?: true
  error?: string
  from?: NodeExplanation
}

export interface Explainer {
  explain(node: TreeNode): NodeExplanation
}

export function createExplainer(tree: ActualTree): Explainer {
  const { root } = tree
  const nodeCache = new Map<TreeNode, NodeExplanation>()
  const edgeCache = new Map<TreeEdge, EdgeExplanation>()

  const explainNode = (node: TreeNode, seen: readonly TreeNode[]): NodeExplanation => {
    const known = nodeCache.get(node)
    if (known) return known
    const built = buildNode(node, seen)
    nodeCache.set(node, built)
    return built
  }

  const buildNode = (node: TreeNode, seen: readonly TreeNode[]): NodeExplanation => {
    if (node === root) return { location: node.path }
    const packageName = node.package.name ?? null
    const why: NodeExplanation = { name: node.parent === undefined ? packageName : node.name, version: node.package.version }
    if (packageName === null || !node.package.version) {
      why.errors = [{}]
      why.package = node.package.raw
    }
    if (seen.includes(node)) return why
    why.location = node.location
    why.isWorkspace = isWorkspace(node, root)
    const path = [...seen, node]
    why.dependents = node.edgesIn.filter((edge) => edge.error === undefined || edge.from === root).map((edge) => explainEdge(edge, path))
    if (node.linksIn.length > 0) why.linksIn = node.linksIn.map((link) => buildNode(link, path))
    return why
  }

  const explainEdge = (edge: TreeEdge, seen: readonly TreeNode[]): EdgeExplanation => {
    const known = edgeCache.get(edge)
    if (known) return known
    const explanation: EdgeExplanation = { type: edge.type, name: edge.name, spec: edge.spec }
    if (edge.rawSpec !== edge.spec) {
      explanation.rawSpec = edge.rawSpec
      explanation.overridden = true
    }
    if (edge.from.package.bundleDependencies.includes(edge.name)) explanation.bundled = true
    if (edge.error !== undefined) explanation.error = edge.error
    explanation.from = explainNode(edge.from, seen)
    edgeCache.set(edge, explanation)
    return explanation
  }

  return {
    /** The explanation `npm explain` prints for a node it was asked about, with the node's flags. */
    explain(node) {
      const explanation = explainNode(node, [])
      if (node.extraneous) {
        explanation.extraneous = true
        return explanation
      }
      explanation.dev = node.dev
      explanation.optional = node.optional
      explanation.devOptional = node.devOptional
      explanation.peer = node.peer
      explanation.bundled = bundlerOf(node) !== undefined
      explanation.overridden = node.overridden
      return explanation
    },
  }
}
