/**
 * What `npm outdated` checks and what it reports, without the fetching:
 *   - which edges: the root's and each workspace's dependencies; with --all every edge of the
 *     tree; with names, the edges that reach the installed packages of those names;
 *   - which are skipped before asking the registry: omitted types (--omit, by the installed
 *     package's flags), missing packages that are not prod dependencies, specs that do not
 *     name a registry version (folders, git, URLs);
 *   - the row: current (installed), wanted (the version the spec picks now), latest (what `*`
 *     picks: the `latest` tag when it fits), kept when any of them differ.
 */
import { isSkiffError } from '../error/index.ts'
import { pickVersion, type Packument, type PickOptions } from '../resolve/index.ts'
import { parseSpec, type RegistrySpec } from '../spec/index.ts'
import type { DependencyKind } from './list-tree.ts'
import { isOptionalEdge, isPeerEdge, isWorkspace, pkgid, type ActualTree, type TreeEdge, type TreeNode } from './tree-model.ts'

export type DependencyField = 'dependencies' | 'devDependencies' | 'optionalDependencies' | 'peerDependencies'

/** One edge to check: the package to ask the registry about and the spec to pick with. */
export interface OutdatedCheck {
  edge: TreeEdge
  /** the registry package (an alias's real name) */
  packageName: string
  spec: RegistrySpec
}

export interface OutdatedRow {
  /** the dependency name (an alias as `alias:real@range`, as npm shows it) */
  name: string
  /** absent when the package is not installed */
  current: string | undefined
  wanted: string
  latest: string
  /** the installed folder (absolute), absent when missing */
  path: string | undefined
  /** npm's location, absent when missing */
  location: string | undefined
  type: DependencyField
  /** the folder name of the package depending on it (the project's folder for the root) */
  dependent: string
  /** `name@version` of the workspace depending on it */
  workspaceDependent: string | undefined
  dependedByLocation: string
  homepage: string | undefined
}

export interface OutdatedSelection {
  all: boolean
  /** installed package (folder) names to check the dependents of */
  names: readonly string[]
  omit: ReadonlySet<DependencyKind>
}

export function selectOutdatedChecks(tree: ActualTree, selection: OutdatedSelection): OutdatedCheck[] {
  const edges = new Set<TreeEdge>()
  const addAll = (list: Iterable<TreeEdge>) => {
    for (const edge of list) edges.add(edge)
  }
  if (selection.names.length > 0) {
    for (const name of selection.names) {
      for (const node of tree.inventory.values()) if (node.name === name) addAll(node.edgesIn)
    }
  } else {
    if (selection.all) for (const node of tree.inventory.values()) addAll(node.edgesOut.values())
    addAll(tree.root.edgesOut.values())
    for (const edge of tree.root.edgesOut.values()) {
      const target = edge.to?.target
      if (target !== undefined && isWorkspace(target, tree.root) === true) addAll(target.edgesOut.values())
    }
  }
  const checks: OutdatedCheck[] = []
  for (const edge of edges) {
    const check = checkOf(edge, selection.omit)
    if (check !== undefined) checks.push(check)
  }
  return checks
}

function checkOf(edge: TreeEdge, omit: ReadonlySet<DependencyKind>): OutdatedCheck | undefined {
  const installed = edge.to
  const flags = installed ?? { dev: edge.type === 'dev', optional: isOptionalEdge(edge), peer: isPeerEdge(edge) }
  for (const kind of omit) if (flags[kind]) return undefined
  if (edge.error === 'MISSING' && fieldOf(edge) !== 'dependencies') return undefined
  let spec
  try {
    spec = parseSpec(edge.name, edge.spec)
  } catch {
    return undefined
  }
  if (spec.type === 'alias') return { edge, packageName: spec.subSpec.name, spec: spec.subSpec }
  if (spec.type === 'range' || spec.type === 'version' || spec.type === 'tag') return { edge, packageName: edge.name, spec }
  return undefined
}

function fieldOf(edge: TreeEdge): DependencyField {
  if (isOptionalEdge(edge)) return 'optionalDependencies'
  if (isPeerEdge(edge)) return 'peerDependencies'
  if (edge.type === 'dev') return 'devDependencies'
  return 'dependencies'
}

/**
 * The row for a check, given the package's document; undefined when the installed version is
 * what the spec wants and the latest too. A spec the registry cannot satisfy (ETARGET) is
 * no row, as in npm.
 */
export function outdatedRow(check: OutdatedCheck, packument: Packument, options: PickOptions & { homepage?: string | undefined; root: TreeNode }): OutdatedRow | undefined {
  const { edge } = check
  let wanted: string
  let latest: string
  try {
    wanted = pickVersion(packument, check.spec, options).version
    latest = pickVersion(packument, { type: 'range', fetchSpec: '*' }, options).version
  } catch (error) {
    if (isSkiffError(error) && error.code === 'ETARGET') return undefined
    throw error
  }
  const installed = edge.to
  const current = installed?.package.version
  if (current && current === wanted && wanted === latest) return undefined
  const from = edge.from
  return {
    name: check.packageName === edge.name ? edge.name : edge.spec.replace('npm', edge.name),
    current: current || undefined,
    wanted,
    latest,
    path: installed?.path,
    location: installed?.location,
    type: fieldOf(edge),
    dependent: from.name,
    workspaceDependent: isWorkspace(from, options.root) === true ? pkgid(from, options.root) : undefined,
    dependedByLocation: from.location,
    homepage: options.homepage,
  }
}

const compareNames = new Intl.Collator('en').compare

/** npm's order: by name, then by the package depending on it. */
export function sortOutdatedRows(rows: readonly OutdatedRow[]): OutdatedRow[] {
  return [...rows].sort((a, b) => compareNames(a.name, b.name) || compareNames(a.dependent, b.dependent))
}
