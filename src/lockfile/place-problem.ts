/**
 * Where npm would put the package that fixes a missing or invalid edge (arborist's PlaceDep
 * and CanPlaceDep), judged without knowing which version the registry would give:
 *
 *  - start at the requiring package (for a peer edge, at the first package above it that
 *    does not itself have a peer edge on the name) and walk up its resolution chain,
 *    skipping packages that have a peer edge on the name;
 *  - at each level: a satisfying copy there is KEEP; a free spot is OK unless the level's
 *    own edge on the name wants something else, or the new package would hide the copy
 *    above from a package below that needs it; an occupied spot is REPLACE at the
 *    requiring package itself, or where the new version can be newer than the current one
 *    and every other dependent's range admits it; anything else is a CONFLICT;
 *  - the walk stops at the first CONFLICT; the shallowest level before it wins.
 */
import semver from 'semver'
import { classifySpec } from './classify-spec.ts'
import type { WantedEdge } from './check-lock-in-sync.ts'
import { isPeerEdge, type Edge } from './dependency-edges.ts'
import type { FoundDependency } from './dep-valid.ts'
import { childLocation, findDependency, isInNodeModules, resolutionChain } from './location.ts'
import type { LockEntry } from './types.ts'

export interface PlacementGraph {
  packages: ReadonlyMap<string, LockEntry>
  incoming: ReadonlyMap<string, { from: string; spec: string }[]>
  edgesOf(location: string): ReadonlyMap<string, Edge>
  found(location: string): FoundDependency
  satisfies(found: FoundDependency, want: WantedEdge): boolean
}

export interface Placement {
  kind: 'keep' | 'replace' | 'free'
  location: string
}

type Verdict = Placement['kind'] | 'conflict'

export function placeProblem(graph: PlacementGraph, problem: WantedEdge): Placement {
  const levels = placementLevels(graph, problem)
  let placement: Placement | undefined
  for (const container of levels) {
    const location = childLocation(container, problem.edge.name)
    const verdict = levelVerdict(graph, problem, container, location)
    if (verdict === 'conflict') break
    placement = { kind: verdict, location }
  }
  return placement ?? { kind: 'replace', location: childLocation(levels[0] ?? problem.from, problem.edge.name) }
}

function hasPeerEdgeOn(graph: PlacementGraph, location: string, name: string): boolean {
  const edge = graph.edgesOf(location).get(name)
  return edge !== undefined && isPeerEdge(edge)
}

function placementLevels(graph: PlacementGraph, { from, edge }: WantedEdge): string[] {
  const chain = resolutionChain(graph.packages, from)
  const start = chain.findIndex((location) => !isInNodeModules(location) || !hasPeerEdgeOn(graph, location, edge.name))
  return chain
    .slice(start === -1 ? chain.length - 1 : start)
    .filter((location) => !isInNodeModules(location) || !hasPeerEdgeOn(graph, location, edge.name))
}

function levelVerdict(graph: PlacementGraph, problem: WantedEdge, container: string, location: string): Verdict {
  const { from, edge, spec } = problem
  if (!graph.packages.has(location)) {
    const own = container === from ? undefined : graph.edgesOf(container).get(edge.name)
    if (own !== undefined && !compatible(own.rawSpec, spec)) return 'conflict'
    return wouldHideCopyAbove(graph, container, edge.name, spec) ? 'conflict' : 'free'
  }
  const found = graph.found(location)
  if (graph.satisfies(found, problem)) return 'keep'
  if (container === from && !isPeerEdge(edge)) return 'replace'
  return canReplace(graph, found, problem) ? 'replace' : 'conflict'
}

/** A new copy in `container` would shadow the copy above it for packages inside `container`. */
function wouldHideCopyAbove(graph: PlacementGraph, container: string, name: string, spec: string): boolean {
  const above = findDependency(graph.packages, container, name)
  if (above === undefined) return false
  const dependents = graph.incoming.get(graph.found(above).linkTarget ?? above) ?? []
  return dependents.some((dependent) => isInside(dependent.from, container) && !compatible(dependent.spec, spec))
}

function canReplace(graph: PlacementGraph, found: FoundDependency, { from, spec }: WantedEdge): boolean {
  const current = found.entry.version
  const wantedRange = semverRange(spec)
  if (current !== undefined && wantedRange !== undefined && semver.valid(current) !== null && semver.gtr(current, wantedRange, true)) return false
  const target = found.linkTarget ?? found.location
  const others = (graph.incoming.get(target) ?? []).filter((dependent) => dependent.from !== from && !isInside(dependent.from, target))
  return others.every((dependent) => compatible(dependent.spec, spec))
}

/** Whether one package version could satisfy both specs. */
function compatible(specA: string, specB: string): boolean {
  const rangeA = semverRange(specA)
  const rangeB = semverRange(specB)
  if (rangeA !== undefined && rangeB !== undefined) return intersects(rangeA, rangeB)
  const isTag = (spec: string) => classifySpec(spec).type === 'tag'
  return isTag(specA) || isTag(specB) || specA === specB
}

function semverRange(spec: string): string | undefined {
  const parsed = classifySpec(spec)
  const plain = parsed.type === 'alias' ? parsed.sub : parsed
  return plain.type === 'range' || plain.type === 'version' ? plain.range : undefined
}

function isInside(location: string, container: string): boolean {
  return container === '' || location === container || location.startsWith(`${container}/`)
}

function intersects(rangeA: string, rangeB: string): boolean {
  try {
    return semver.intersects(rangeA, rangeB, { loose: true })
  } catch {
    return false
  }
}
