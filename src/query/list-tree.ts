/**
 * listTree: the walk behind `npm ls`, as npm 11.19's ls command makes it (breadth first from
 * the root, children sorted by `name@version`):
 *   - a node's children are the targets of its edges, then its extraneous children; a
 *     missing edge (or an optional one with nothing installed) is an UNMET entry;
 *   - a node met a second time is a `deduped` copy without children;
 *   - children are listed down to `depth` (0 unless --all or filters; a workspace counts as
 *     depth 0 again), and --omit / --link filter the edges of the root and workspaces only;
 *   - an edge whose target does not satisfy it marks the target `invalid` (accumulating the
 *     specs and requesters), and what no edge reaches is `extraneous`;
 *   - with filters (`ls a b@1`), only matching nodes and their ancestors are kept.
 * Problems are counted on the entries visited, so --depth limits them as it does in npm.
 * npm keeps the marks on its tree nodes, so a later edge to a node changes what an earlier,
 * not yet visited entry shows; the `marks` map reproduces that.
 */
import path from 'node:path'
import { isDepValid } from '../spec/index.ts'
import { isOptionalEdge, isPeerEdge, isWorkspace, pkgid, type ActualTree, type EdgeType, type TreeEdge, type TreeNode } from './tree-model.ts'

export type DependencyKind = 'dev' | 'optional' | 'peer'

export interface ListOptions {
  all: boolean
  /** npm's `depth`: undefined shows everything with --all or filters, else the top level */
  depth: number | undefined
  omit: ReadonlySet<DependencyKind>
  /** list only links (--link) */
  linksOnly: boolean
  /** package specs (`a`, `a@^1`) to keep with their ancestors */
  filters: readonly string[]
}

/** What npm notes on a node as edges reach it. */
interface Marks {
  required: string | undefined
  type: EdgeType | undefined
  invalid: string | undefined
}

export interface ListEntry {
  /** a real node; a `deduped` second sighting of one; an edge with nothing installed */
  kind: 'node' | 'copy' | 'missing'
  /** the tree node (absent for missing entries) */
  node: TreeNode | undefined
  name: string
  pkgid: string
  isRoot: boolean
  /** the spec of the edge that led here (missing entries, and the first sighting) */
  required: string | undefined
  type: EdgeType | undefined
  invalid: string | undefined
  /** `name@version` of the package that wanted a missing entry */
  missingFrom: string | undefined
  deduped: boolean
  /** true when no filter is given, or this entry matches one */
  matches: boolean
  /** problems this entry reports (missing, invalid, extraneous) */
  problems: string[]
  parent: ListEntry | undefined
  /** kept in the output: it matches, or something below it does */
  included: boolean
  /** the included entries under this one, in order */
  children: ListEntry[]
}

export interface ListResult {
  root: ListEntry
  /** every entry in the order visited */
  entries: ListEntry[]
  /** the nodes reached, the root first (what --parseable prints) */
  nodes: ListEntry[]
  /** the problems of the included entries, in the order found */
  problems: string[]
  /** each node's `invalid` mark once the walk is over (npm reads --parseable from there) */
  invalidMarks: ReadonlyMap<TreeNode, string>
}

const compareIds = new Intl.Collator('en').compare

export function listTree(tree: ActualTree, options: ListOptions): ListResult {
  const { root } = tree
  const marks = new Map<TreeNode, Marks>()
  const marksOf = (node: TreeNode): Marks => {
    const known = marks.get(node)
    if (known) return known
    const fresh: Marks = { required: undefined, type: undefined, invalid: undefined }
    marks.set(node, fresh)
    return fresh
  }
  const depthLimit = options.all || options.filters.length > 0 ? (options.depth ?? Infinity) : (options.depth ?? 0)
  const rootEntry = createEntry({ kind: 'node', node: root, tree, matches: options.filters.length === 0 })
  rootEntry.isRoot = true
  const depthOf = new Map<ListEntry, number>([[rootEntry, 0]])
  const seenNodes = new Map<string | undefined, ListEntry>([[root.path, rootEntry]])
  const nodes: ListEntry[] = [rootEntry]
  const entries: ListEntry[] = []
  const problems = new Set<string>()
  const queue: ListEntry[] = [rootEntry]

  for (let entry = queue.shift(); entry !== undefined; entry = queue.shift()) {
    visit(entry)
    queue.push(...childrenOf(entry))
  }

  function visit(entry: ListEntry): void {
    if (entry.kind === 'node' && entry.node !== undefined) {
      const current = marksOf(entry.node)
      entry.required = current.required
      entry.type = current.type
      entry.invalid = current.invalid
    }
    entry.problems = problemsOf(entry)
    if (entry.matches) for (const problem of entry.problems) problems.add(problem)
    entries.push(entry)
  }

  function childrenOf(entry: ListEntry): ListEntry[] {
    const node = entry.node
    if (entry.kind !== 'node' || node === undefined) return []
    const currentDepth = isWorkspace(node, root) === true ? 0 : (depthOf.get(entry) ?? 0)
    if (currentDepth > depthLimit) return []
    const seenPaths = new Set<string>()
    const edges = [...node.target.edgesOut.values()].filter((edge) => currentDepth !== 0 || isListed(edge, options))
    const reached = edges.map((edge) => reach(edge, seenPaths))
    for (const child of node.children.values()) {
      if (!seenPaths.has(child.path) && child.extraneous) reached.push({ node: child })
    }
    reached.sort((a, b) => compareIds(reachedId(a), reachedId(b)))
    return reached.map((target) => {
      const child = augment(target, entry)
      depthOf.set(child, currentDepth + 1)
      return child
    })
  }

  type Reached = { node: TreeNode } | { missing: ListEntry }

  function reachedId(reached: Reached): string {
    return 'node' in reached ? pkgid(reached.node, root) : reached.missing.pkgid
  }

  function reach(edge: TreeEdge, seenPaths: Set<string>): Reached {
    const required = edge.spec || '*'
    if (edge.error === 'MISSING' || (isOptionalEdge(edge) && edge.to === undefined)) {
      const missing = createEntry({ kind: 'missing', node: undefined, tree, matches: false })
      missing.name = edge.name
      missing.pkgid = `${edge.name}@${edge.spec}`
      missing.missingFrom = pkgid(edge.from, root)
      missing.required = required
      missing.type = edge.type
      return { missing }
    }
    const node = edge.to as TreeNode
    seenPaths.add(node.path)
    const current = marksOf(node)
    current.required = required
    current.type = edge.type
    if (edge.error === 'INVALID') {
      const invalid = `${JSON.stringify(required)} from ${edge.from.location || 'the root project'}`
      current.invalid = current.invalid === undefined ? invalid : `${current.invalid}, ${invalid}`
    }
    return { node }
  }

  function augment(reached: Reached, parent: ListEntry): ListEntry {
    const pathKey = 'node' in reached ? reached.node.path : undefined
    const seen = seenNodes.get(pathKey)
    let entry: ListEntry
    if (seen !== undefined) {
      entry = 'node' in reached ? copyOf(reached.node, marksOf(reached.node)) : missingCopyOf(reached.missing)
    } else {
      entry = 'node' in reached ? createEntry({ kind: 'node', node: reached.node, tree, matches: false }) : reached.missing
      seenNodes.set(pathKey, entry)
      if (pathKey !== undefined) nodes.push(entry)
    }
    entry.parent = parent
    entry.matches = options.filters.length === 0 || matchesFilter(seenNodes.get(pathKey), options.filters)
    return entry
  }

  function copyOf(node: TreeNode, current: Marks): ListEntry {
    const copy = createEntry({ kind: 'copy', node, tree, matches: false })
    copy.type = current.type
    copy.invalid = current.invalid
    copy.deduped = true
    return copy
  }

  function missingCopyOf(missing: ListEntry): ListEntry {
    // npm files every missing entry under the same (absent) path: from the second one on they
    // are copies, which lose the spec they required
    return { ...missing, required: undefined, children: [] }
  }

  function problemsOf(entry: ListEntry): string[] {
    const found: string[] = []
    const optional = entry.type === 'optional' || entry.type === 'peerOptional'
    if (entry.kind === 'missing' && !optional) found.push(`missing: ${entry.pkgid}, required by ${entry.missingFrom ?? ''}`)
    if (entry.invalid !== undefined && entry.node !== undefined) found.push(`invalid: ${entry.pkgid} ${entry.node.path}`)
    if (entry.kind === 'node' && entry.node?.extraneous) found.push(`extraneous: ${entry.pkgid} ${entry.node.path}`)
    return found
  }

  includeMatches(entries)
  const invalidMarks = new Map<TreeNode, string>()
  for (const [node, current] of marks) if (current.invalid !== undefined) invalidMarks.set(node, current.invalid)
  return { root: rootEntry, entries, nodes, problems: [...problems], invalidMarks }
}

function createEntry(options: { kind: ListEntry['kind']; node: TreeNode | undefined; tree: ActualTree; matches: boolean }): ListEntry {
  const { node, tree } = options
  return {
    kind: options.kind,
    node,
    name: node?.name ?? '',
    pkgid: node === undefined ? '' : pkgid(node, tree.root),
    isRoot: false,
    required: undefined,
    type: undefined,
    invalid: undefined,
    missingFrom: undefined,
    deduped: false,
    matches: options.matches,
    problems: [],
    parent: undefined,
    included: false,
    children: [],
  }
}

/** --omit and --link, applied to the edges of the root and workspaces. */
function isListed(edge: TreeEdge, options: ListOptions): boolean {
  if (options.omit.has('dev') && edge.type === 'dev') return false
  if (options.omit.has('optional') && isOptionalEdge(edge)) return false
  if (options.omit.has('peer') && isPeerEdge(edge)) return false
  return !options.linksOnly || edge.to?.isLink === true
}

/** npm's Node.satisfies(spec): the folder name, then the spec as an edge from the root would check it. */
function matchesFilter(entry: ListEntry | undefined, filters: readonly string[]): boolean {
  const node = entry?.node
  if (node === undefined) return false
  return filters.some((filter) => {
    const { name, spec } = splitFilter(filter)
    return node.name === (name ?? node.name) && isDepValid(node, spec, undefined, { fromPath: rootRealpath(node) })
  })
}

function rootRealpath(node: TreeNode): string {
  let top = node
  while (top.parent ?? top.fsParent) top = (top.parent ?? top.fsParent) as TreeNode
  return top.realpath
}

/** `a`, `a@^1`, `@s/a@1`: the name and the spec ('*' when none). */
function splitFilter(filter: string): { name: string | undefined; spec: string } {
  const at = filter.indexOf('@', filter.startsWith('@') ? 1 : 0)
  if (at === -1) return { name: filter, spec: '*' }
  return { name: filter.slice(0, at) || undefined, spec: filter.slice(at + 1) || '*' }
}

/** An entry is kept when it matches; its ancestors are kept with it; kept entries join their parent's children. */
function includeMatches(entries: readonly ListEntry[]): void {
  for (const entry of entries) {
    if (!entry.matches) continue
    entry.included = true
    for (let parent = entry.parent; parent !== undefined; parent = parent.parent) parent.included = true
  }
  for (const entry of entries) if (entry.included && entry.parent) entry.parent.children.push(entry)
}

/** The folder a link points at, relative to the project: what `-> ./…` shows. */
export function linkTargetLocation(node: TreeNode, tree: ActualTree): string {
  return path.relative(tree.root.realpath, node.realpath)
}
