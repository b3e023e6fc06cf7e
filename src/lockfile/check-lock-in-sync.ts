/**
 * What `npm ci` checks before installing: does the lockfile still give every dependency of
 * package.json (and of every package it reaches) a package that satisfies it?
 *
 * npm builds the ideal tree from the lockfile, fixes every missing or invalid edge by asking
 * the registry, and reports each placed node whose version differs from the lockfile
 * ("Missing: x@1.2.3 from lock file", "Invalid: lock file's x@1.0.0 does not satisfy
 * x@2.0.1"). skiff answers without the registry, so where npm prints the version it would
 * fetch, skiff prints the wanted spec. The walk follows arborist:
 *  - edges come from package.json for the root (workspaces first, then peer, prod, optional,
 *    dev, a later kind replacing an earlier one), from package.json on disk for workspaces and
 *    other folders outside node_modules when given (else the lockfile), from the lockfile
 *    for packages; devDependencies only for those top nodes; peers not with legacyPeerDeps;
 *  - only packages reached from the root through valid edges count (extraneous entries do not);
 *  - problems are looked for where npm's buildIdealTree looks: in what the root reaches without
 *    crossing a link (its first walk follows edges, and a link node has none), and in the
 *    own dependencies of a link's target (a workspace); what only a workspace reaches is never
 *    queued, so its missing or invalid dependencies are accepted as locked;
 *  - a missing edge is a problem unless peerOptional; an invalid one unless peerOptional
 *    (npm ci trusts those); edges into bundled or shrinkwrapped packages are skipped;
 *  - overrides change the wanted spec (arborist's OverrideSet rules), and an override of a
 *    direct dependency that differs from its spec is an error of its own;
 *  - a problem is settled where npm's PlaceDep would put the new package (place-problem.ts):
 *    an existing satisfying copy higher up is kept (no error), an occupied spot is replaced
 *    ("Invalid"), a free spot gets a new package ("Missing").
 * What the fetched packages would need in turn is unknown offline, so npm may list more lines.
 */
import path from 'node:path'
import { SkiffError } from '../error/index.ts'
import { OverrideSet, referencedSpec } from '../spec/index.ts'
import { classifySpec, isRegistrySpec } from './classify-spec.ts'
import { isDepValid, specFolder, type FoundDependency } from './dep-valid.ts'
import { childLocation, depth, findDependency, isInNodeModules, isOutsideProject, linkTarget, nameFromLocation, parentLocation } from './location.ts'
import { dependencyEdges, isPeerEdge, type Edge } from './dependency-edges.ts'
import { lockDepFlags, sameLockFlags, withLockFlags, type DepFlags, type LockEdge } from './dep-flags.ts'
import { manifestLockFields, stringField } from './manifest.ts'
import { isObject } from './parse-lock-entry.ts'
import { placeProblem, type PlacementGraph } from './place-problem.ts'
import type { LockEntry, Lockfile } from './types.ts'
import { findWorkspaces } from './workspaces.ts'

export interface LockSyncOptions {
  /**
   * package.json of folders outside node_modules (workspaces, `file:` folders) by location,
   * as found on disk: npm reads these rather than trusting the lockfile, and finds
   * workspaces by globbing. Without it the lockfile's entries stand in.
   */
  localManifests?: ReadonlyMap<string, Record<string, unknown>>
  legacyPeerDeps?: boolean
}

/** An edge from a package, with the spec it wants once overrides apply. */
export interface WantedEdge {
  from: string
  edge: Edge
  spec: string
  rule: OverrideSet | undefined
}

const collator = new Intl.Collator('en')

export function checkLockInSync(packageJson: Record<string, unknown>, lock: Lockfile, options: LockSyncOptions = {}): string[] {
  return new LockSyncWalk(packageJson, lock, options).run()
}

export interface LockSyncReport {
  /** what checkLockInSync returns: npm ci's lines, one per mismatch */
  problems: string[]
  /**
   * entries nothing reaches but optional peer dependencies, if anything (a dependency taken
   * out of package.json by hand, an optional peer installed once): arborist finds them
   * extraneous when it loads the lockfile and prunes them, so `npm ci` installs without them
   * and `npm install` writes the lockfile without them, whatever flags they carry
   */
  unreached: string[]
  /** the entries left whose dev / optional / devOptional / peer flags are not the ones npm computes, with npm's */
  wrongFlags: Map<string, DepFlags>
  /**
   * packages every dependency on which asks the registry (a range, version, tag or alias):
   * arborist's isRegistryDependency, whose `resolved` omit-lockfile-registry-resolved leaves out
   * (worked out when asked for)
   */
  registryDependencies: () => Set<string>
}

/** checkLockInSync, which lockfile entries npm prunes, and which it gives other flags. */
export function lockSyncReport(packageJson: Record<string, unknown>, lock: Lockfile, options: LockSyncOptions = {}): LockSyncReport {
  const walk = new LockSyncWalk(packageJson, lock, options)
  const problems = walk.run()
  const flags = lockDepFlags({ packages: lock.packages, edgesOut: (location) => walk.resolvedEdges(location) })
  const unreached = walk.unreached(flags)
  const pruned = new Set(unreached)
  const wrongFlags = new Map<string, DepFlags>()
  for (const [location, entry] of lock.packages) {
    const computed = flags.get(location)
    if (computed === undefined || computed.extraneous || pruned.has(location) || entry.link === true) continue
    const { dev, optional, devOptional, peer, extraneous } = computed
    if (!sameLockFlags(entry, computed)) wrongFlags.set(location, { dev, optional, devOptional, peer, extraneous })
  }
  return { problems, unreached, wrongFlags, registryDependencies: () => walk.registryDependencies() }
}

/** The tree npm makes of a lockfile in sync: what it prunes left out, the flags it computes in place. */
export function lockAsNpmLoadsIt(lock: Lockfile, report: Pick<LockSyncReport, 'unreached' | 'wrongFlags'>): Lockfile {
  if (report.unreached.length === 0 && report.wrongFlags.size === 0) return lock
  const pruned = new Set(report.unreached)
  const packages = new Map<string, LockEntry>()
  for (const [location, entry] of lock.packages) {
    if (pruned.has(location)) continue
    const flags = report.wrongFlags.get(location)
    packages.set(location, flags === undefined ? entry : withLockFlags(entry, flags))
  }
  return { ...lock, packages }
}

/** The ELOCKSYNC error `ci` throws, with npm's message and one line per mismatch. */
export function createLockSyncError(lock: Lockfile, lines: string[]): SkiffError {
  return new SkiffError(
    'ELOCKSYNC',
    '`skiff ci` can only install packages when your package.json and package-lock.json or npm-shrinkwrap.json are in sync. '
      + 'Please update your lock file with `skiff install` before continuing.',
    { file: lock.file, lines, hint: `run \`skiff install\` to update ${path.basename(lock.file)}, then commit it` },
  )
}

class LockSyncWalk implements PlacementGraph {
  readonly packages: ReadonlyMap<string, LockEntry>
  readonly projectDir: string
  private readonly lines = new Map<string, string>()
  /**
   * How far npm's buildIdealTree looks for problems at each location it reaches: 2 for what the
   * root reaches without crossing a link (its first walk follows edges, and a link node has none),
   * 1 for a link's target (a workspace: #resolveLinks queues it, so its own edges are checked),
   * 0 past that (reached only through a workspace: never queued, whatever its edges say).
   */
  private readonly reach = new Map<string, 0 | 1 | 2>()
  private readonly queue: string[] = []
  private next = 0
  /** edges the lockfile does not satisfy, waiting to be settled */
  private readonly problems: WantedEdge[] = []
  private readonly rules = new Map<string, OverrideSet | undefined>()
  private readonly edges = new Map<string, Map<string, Edge>>()
  private readonly resolved = new Map<string, Array<LockEdge & { edge: Edge }>>()
  /** valid edges into each location: who depends on it, with which spec */
  readonly incoming = new Map<string, { from: string; spec: string }[]>()
  private readonly rootRule: OverrideSet | undefined
  private readonly workspaces: Map<string, string>

  constructor(
    private readonly packageJson: Record<string, unknown>,
    lock: Lockfile,
    private readonly options: LockSyncOptions,
  ) {
    this.packages = lock.packages
    this.projectDir = lock.kind === 'hidden' ? path.dirname(path.dirname(lock.file)) : path.dirname(lock.file)
    const overrides = packageJson.overrides
    this.rootRule = isObject(overrides) && Object.keys(overrides).length > 0 ? new OverrideSet(overrides) : undefined
    this.workspaces = findWorkspaces(packageJson, (options.localManifests ?? lock.packages).keys(), (location) => this.manifest(location))
  }

  run(): string[] {
    this.checkRootOverrides()
    this.enqueue('', this.rootRule, 2)
    for (const location of this.workspaces.values()) this.enqueue(location, this.rootRule, 1)
    do this.drain()
    while (this.settleProblems())
    return [...this.lines.values()]
  }

  /**
   * Entries npm prunes: extraneous by the flag walk (a link goes with its target), unless inside
   * the bundle or shrinkwrap of a package kept, which brings them whatever reaches them.
   */
  unreached(flags: ReadonlyMap<string, DepFlags>): string[] {
    const kept = (location: string) => flags.get(location)?.extraneous === false
    const unreached: string[] = []
    for (const [location, entry] of this.packages) {
      if (location === '' || kept(location)) continue
      if (entry.link === true) {
        const target = linkTarget(this.packages, location)
        if (target !== undefined && kept(target)) continue
      }
      if ((entry.inBundle === true || this.isInShrinkwrap(location)) && this.hasKeptAncestor(location, kept)) continue
      unreached.push(location)
    }
    return unreached
  }

  private hasKeptAncestor(location: string, kept: (location: string) => boolean): boolean {
    for (let parent = parentLocation(location); parent !== undefined && parent !== ''; parent = parentLocation(parent)) {
      if (kept(parent)) return true
    }
    return false
  }

  /** The locations every valid edge into which has a registry spec. */
  registryDependencies(): Set<string> {
    const found = new Set<string>()
    for (const [location, into] of this.incoming) {
      if (into.every(({ spec }) => isRegistrySpec(classifySpec(spec === '' ? '*' : spec)))) found.add(location)
    }
    return found
  }

  /** A location's edges, each with the location it resolves to (valid or not). */
  resolvedEdges(location: string): Array<LockEdge & { edge: Edge }> {
    const cached = this.resolved.get(location)
    if (cached !== undefined) return cached
    const edges = this.sortedEdges(location).map((edge) => ({ name: edge.name, type: edge.type, to: findDependency(this.packages, location, edge.name), edge }))
    this.resolved.set(location, edges)
    return edges
  }

  private checkRootOverrides(): void {
    if (this.rootRule === undefined) return
    for (const edge of this.sortedEdges('')) {
      const spec = this.wantedSpec(this.rootRule.edgeRule(edge.name, edge.rawSpec), edge.name, edge.rawSpec)
      if (spec !== edge.rawSpec) this.lines.set(`override:${edge.name}`, `Override for ${edge.name}@${edge.rawSpec} conflicts with direct dependency`)
    }
  }

  /** Walks into a location, again when it is now reached where npm looks further than before. */
  private enqueue(location: string, rule: OverrideSet | undefined, reach: 0 | 1 | 2): void {
    const known = this.reach.get(location)
    if (known !== undefined && known >= reach) return
    this.reach.set(location, reach)
    if (known === undefined) this.rules.set(location, rule)
    this.queue.push(location)
  }

  private drain(): void {
    while (this.next < this.queue.length) this.visit(this.queue[this.next++] as string)
  }

  private visit(from: string): void {
    // npm fixes only the problems of what it queues
    const checked = (this.reach.get(from) ?? 0) > 0
    const entry = this.packages.get(from)
    const bundled = new Set(!isTop(from) && Array.isArray(entry?.bundleDependencies) ? entry.bundleDependencies : [])
    const nodeRule = this.rules.get(from)
    for (const { edge, to: foundAt } of this.resolvedEdges(from)) {
      if (bundled.has(edge.name)) continue
      const rule = nodeRule?.edgeRule(edge.name, edge.rawSpec)
      const spec = rule === undefined ? edge.rawSpec : this.wantedSpec(rule, edge.name, edge.rawSpec)
      const want: WantedEdge = { from, edge, spec, rule }
      if (foundAt === undefined) {
        // a folder outside the project resolves only in its own node_modules: npm ci lets its
        // unmet dependencies be (npm ls calls them UNMET) and installs none of them
        if (checked && edge.type !== 'peerOptional' && !isToleratedOptional(from, edge) && !isOutsideProject(from)) this.problems.push(want)
        continue
      }
      const found = this.found(foundAt)
      if (this.isInShrinkwrap(foundAt)) continue
      if (this.satisfies(found, want)) this.accept(found, want)
      else if (checked && edge.type !== 'peerOptional' && !isToleratedOptional(from, edge)) this.problems.push(want)
    }
  }

  /** Records a valid edge and walks on into the package it reaches. */
  accept(found: FoundDependency, { from, spec, rule }: WantedEdge): void {
    const target = found.linkTarget ?? found.location
    const into = this.incoming.get(target) ?? []
    into.push({ from, spec })
    this.incoming.set(target, into)
    const reach = this.reach.get(from) ?? 0
    this.enqueue(target, rule ?? this.rules.get(from), found.isLink ? (reach > 0 ? 1 : 0) : reach === 2 ? 2 : 0)
  }

  /** Settles problems found since the last call, in npm's queue order; true if any walk must go on. */
  private settleProblems(): boolean {
    const pending = this.problems.splice(0).sort((a, b) =>
      depth(a.from) - depth(b.from) || collator.compare(a.from, b.from) || collator.compare(a.edge.name, b.edge.name))
    for (const problem of pending) {
      const placement = placeProblem(this, problem)
      if (placement.kind === 'keep') {
        this.accept(this.found(placement.location), problem)
        continue
      }
      const { name } = problem.edge
      const folder = this.linkedFolder(problem)
      // a folder dependency is known offline: npm names it by the version its package.json holds
      const wanted = folder === undefined ? problem.spec : stringField(this.manifest(folder), 'version') ?? problem.spec
      if (placement.kind === 'replace') {
        const locked = this.found(placement.location).entry.version ?? ''
        this.report(placement.location, `Invalid: lock file's ${nameFromLocation(placement.location)}@${locked} does not satisfy ${name}@${wanted}`)
      } else {
        this.report(placement.location, `Missing: ${name}@${wanted} from lock file`)
      }
      // npm adds a link and its target folder; a folder the lockfile lacks is missing too
      if (folder !== undefined && !this.packages.has(folder)) this.report(folder, `Missing: ${name}@${wanted} from lock file`)
    }
    return this.next < this.queue.length
  }

  /** The folder a `file:` folder dependency (or a workspace) links to, as a location. */
  private linkedFolder({ from, edge, spec, rule }: WantedEdge): string | undefined {
    const parsed = classifySpec(spec)
    if (parsed.type !== 'directory') return undefined
    return specFolder({ projectDir: this.projectDir, fromFolder: this.fromFolder(from, edge.name, rule) }, parsed.path)
  }

  private report(location: string, line: string): void {
    if (!this.lines.has(location)) this.lines.set(location, line)
  }

  satisfies(found: FoundDependency, { from, edge, spec, rule }: WantedEdge): boolean {
    if (isPeerEdge(edge) && !isTop(from) && parentLocation(found.location) === from) return false
    const context = { projectDir: this.projectDir, fromFolder: this.fromFolder(from, edge.name, rule), lockedSpec: this.lockedSpec(from, edge.name) }
    const valid = (candidate: string) =>
      isDepValid(found, candidate, context) || (edge.accept !== undefined && isDepValid(found, edge.accept || '*', context))
    if (found.entry.inBundle === true || found.entry.hasShrinkwrap === true) return valid(edge.rawSpec)
    if (rule === undefined || rule.parent === undefined) return valid(spec)
    return valid(spec) || (valid(edge.rawSpec) && !valid(rule.keySpec))
  }

  /** The spec an edge wants once `rule` applies; a `$name` the root does not depend on leaves it as written. */
  private wantedSpec(rule: OverrideSet, name: string, rawSpec: string): string {
    return rule.replacementSpec(name, rawSpec, (reference) => referencedSpec(this.packageJson, reference)) ?? rawSpec
  }

  /** The folder `file:` specs of `from` are relative to (arborist's fromPath). */
  private fromFolder(from: string, name: string, rule: OverrideSet | undefined): string {
    if (rule !== undefined && rule.name === name && rule.value) return ''
    const resolved = this.packages.get(from)?.resolved
    if (typeof resolved === 'string' && resolved.startsWith('file:') && /\.(?:tgz|tar\.gz|tar)$/i.test(resolved)) {
      return path.posix.dirname(resolved.slice('file:'.length))
    }
    return from
  }

  private lockedSpec(from: string, name: string): string | undefined {
    const entry = this.packages.get(from)
    return entry?.dependencies?.[name] ?? entry?.optionalDependencies?.[name] ?? entry?.devDependencies?.[name] ?? entry?.peerDependencies?.[name]
  }

  found(location: string): FoundDependency {
    const target = linkTarget(this.packages, location)
    if (target === undefined) return { location, entry: this.packages.get(location) ?? {}, isLink: false }
    const local = this.options.localManifests?.get(target)
    const entry = local === undefined ? this.packages.get(target) ?? {} : manifestEntry(local)
    return { location, entry, isLink: true, linkTarget: target }
  }

  private isInShrinkwrap(location: string): boolean {
    for (let parent = parentLocation(location); parent !== undefined && parent !== ''; parent = parentLocation(parent)) {
      if (this.packages.get(parent)?.hasShrinkwrap === true) return true
    }
    return false
  }

  private manifest(location: string): Record<string, unknown> {
    if (location === '') return this.packageJson
    if (!isInNodeModules(location)) {
      const local = this.options.localManifests?.get(location)
      if (local !== undefined) return local
    }
    return this.packages.get(location) ?? {}
  }

  sortedEdges(location: string): Edge[] {
    return [...this.edgesOf(location).values()].sort((a, b) => collator.compare(a.name, b.name))
  }

  edgesOf(location: string): Map<string, Edge> {
    const cached = this.edges.get(location)
    if (cached !== undefined) return cached
    const edges = dependencyEdges(this.manifest(location), {
      top: isTop(location),
      legacyPeerDeps: this.options.legacyPeerDeps === true,
      ...(location === '' && { workspaces: this.workspaces }),
    })
    this.edges.set(location, edges)
    return edges
  }
}

/** Root, workspaces and folders outside node_modules have no parent package: arborist's "top" nodes. */
/**
 * A package's optional dependency that the lockfile lacks, or resolves to a version that does
 * not satisfy it, was left so by the `npm install` that wrote the lockfile, because the wanted
 * version could not be fetched (typically a platform binary not published for every
 * platform). `npm ci` refetches it and stops ("Missing: x@ from lock file") on a lockfile npm
 * itself just wrote; skiff accepts it, as the package would be skipped anyway. Optional
 * dependencies of the project itself (package.json) are still checked.
 */
function isToleratedOptional(from: string, edge: Edge): boolean {
  return edge.type === 'optional' && !isTop(from)
}

function isTop(location: string): boolean {
  return !isInNodeModules(location)
}

function manifestEntry(manifest: Record<string, unknown>): LockEntry {
  const name = stringField(manifest, 'name')
  return { ...manifestLockFields(manifest), ...(name !== undefined && { name }) }
}
