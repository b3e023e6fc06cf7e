/**
 * An install restricted to some workspaces (`-w <name>`, `--workspaces`, with or without
 * `--include-workspace-root`). npm builds and locks the whole tree, but changes node_modules
 * only for its "filter nodes" and what they reach (arborist reify's diffTrees, Diff.calculate
 * with filterNodes); every other package on disk is left as it is: not added when missing,
 * not removed when extraneous, not changed. Pure.
 *
 * The scope, by location:
 *  1. Seeds: each chosen workspace's folder and the top-level link to it; with the root, the
 *     locations the root's own (not workspace) dependencies resolve to.
 *  2. From each location reached, in the wanted tree and in the tree on disk alike (an old
 *     version's dependencies must go too): a link's target, and the locations its
 *     dependencies resolve to.
 *  3. Everything nested in a location reached is in scope with it: a folder replaced or
 *     removed takes its node_modules along, extraneous packages included.
 */
import { SkiffError } from '../error/index.ts'
import { dependencyEdges, findDependency, isInNodeModules, isInsideAny, linkTarget, type LockEntry } from '../lockfile/index.ts'
import type { Plan } from './plan.ts'

/** Which workspaces a command names: -w (repeatable), --workspaces, --include-workspace-root. */
export interface WorkspaceChoice {
  names: string[]
  all: boolean
  includeRoot: boolean
}

/**
 * The package.json files a command changes, which are also the projects it installs: the root
 * and the named (or all) workspaces' folders; undefined when no workspace is chosen (the root,
 * and node_modules as a whole).
 */
export function chosenWorkspaces(
  choice: WorkspaceChoice | undefined,
  workspaceFolders: ReadonlyMap<string, string>,
): { root: boolean; workspaces: string[] } | undefined {
  if (choice === undefined || (!choice.all && choice.names.length === 0)) return undefined
  const locations = new Set<string>()
  for (const name of choice.names) {
    const byName = workspaceFolders.get(name)
    const byFolder = [...workspaceFolders.values()].find((location) => location === name.replace(/^\.\//, '').replace(/\/+$/, ''))
    const location = byName ?? byFolder
    if (location === undefined) {
      throw new SkiffError('EUSAGE', `no workspace named ${name}`, { hint: `the workspaces are: ${[...workspaceFolders.keys()].join(', ') || 'none'}` })
    }
    locations.add(location)
  }
  if (choice.all) for (const location of workspaceFolders.values()) locations.add(location)
  return { root: choice.includeRoot, workspaces: [...locations] }
}

export interface WorkspaceScopeInput {
  /** the whole wanted tree: the lockfile's packages, the root and folders included */
  wanted: ReadonlyMap<string, LockEntry>
  /** what is on disk (a trusted hidden lockfile's packages); empty for an empty node_modules */
  current: ReadonlyMap<string, LockEntry>
  /** every workspace: name → folder */
  workspaces: ReadonlyMap<string, string>
  chosen: { root: boolean; workspaces: readonly string[] }
}

/** The locations the install may change. */
export function workspaceScope(input: WorkspaceScopeInput): Set<string> {
  const { wanted, workspaces, chosen } = input
  // the project's own folders as they were installed (what `uninstall -w` takes out is still
  // on disk), else as they are wanted
  const onDisk = new Map(input.current)
  for (const [location, entry] of wanted) if (!isInNodeModules(location) && !onDisk.has(location)) onDisk.set(location, entry)
  const trees = [wanted, onDisk]

  const seeds: string[] = [...chosen.workspaces]
  for (const [name, folder] of workspaces) if (chosen.workspaces.includes(folder)) seeds.push(`node_modules/${name}`)
  const root = wanted.get('')
  if (chosen.root && root !== undefined) {
    for (const name of dependencyNames('', root)) {
      if (workspaces.has(name)) continue
      for (const tree of trees) {
        const found = findDependency(tree, '', name)
        if (found !== undefined) seeds.push(found)
      }
    }
  }

  const reached = new Set<string>()
  const queue = seeds
  for (let location = queue.pop(); location !== undefined; location = queue.pop()) {
    if (reached.has(location)) continue
    reached.add(location)
    for (const tree of trees) queue.push(...neighbours(tree, location))
  }
  for (const tree of trees) {
    for (const location of tree.keys()) if (isInNodeModules(location) && isInsideAny(location, reached)) reached.add(location)
  }
  return reached
}

/**
 * The plan cut to a scope: only what is inside it is made or removed. `kept`, the packages
 * on disk, stay as they are outside it, and the installed tree (for the hidden lockfile and
 * the bin links) says so.
 */
export function planForScope(plan: Plan, scope: ReadonlySet<string>, kept: ReadonlyMap<string, LockEntry>): Plan {
  const installed = new Map<string, LockEntry>()
  for (const [location, entry] of kept) if (isInNodeModules(location) && !scope.has(location)) installed.set(location, entry)
  for (const [location, entry] of plan.installed) if (scope.has(location)) installed.set(location, entry)
  return {
    ...plan,
    targets: plan.targets.filter((target) => scope.has(target.location)),
    links: plan.links.filter((link) => scope.has(link.location)),
    skipped: plan.skipped.filter((skip) => scope.has(skip.location)),
    installed,
  }
}

/** Where a location leads: a link's target and the locations its dependencies resolve to. */
function neighbours(tree: ReadonlyMap<string, LockEntry>, location: string): string[] {
  const entry = tree.get(location)
  if (entry === undefined) return []
  const target = linkTarget(tree, location)
  if (target !== undefined) return [target]
  const found: string[] = []
  for (const name of dependencyNames(location, entry)) {
    const dependency = findDependency(tree, location, name)
    if (dependency !== undefined) found.push(dependency)
  }
  return found
}

/** The names a package depends on, of every kind; a project (root, workspace, folder) adds its devDependencies. */
function dependencyNames(location: string, entry: LockEntry): string[] {
  return [...dependencyEdges(entry, { top: !isInNodeModules(location), legacyPeerDeps: false }).keys()]
}
