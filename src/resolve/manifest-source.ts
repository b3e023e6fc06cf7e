/**
 * Where a spec's package data comes from (pacote.manifest's role in arborist): registry specs
 * through the injected getPackument and pickVersion, remote and `file:` tarballs through the
 * injected readTarball, git repositories through readGit, folders through readFolderManifest. Results are remembered by spec,
 * so the same `name@range` is picked once.
 *
 * Prefetch: as soon as a registry package's version is known, the packuments of its
 * dependencies are requested, and their versions picked in turn, so the whole dependency
 * closure is fetched with all the concurrency the caller's getPackument allows while the
 * (serial) placement goes on. Prefetch failures are ignored here: the real request for the
 * same spec reports them. It asks only for what npm would: an optional peer's own document
 * (npm loads it with the peer set) but not its dependencies (a missing optional peer is no
 * problem: it is placed only when something else needs it), and nothing the tree already holds
 * a satisfying package of (`isSettled`, with a lockfile as the starting tree): adding one
 * package to an installed project fetches that package's documents, not the whole closure.
 * When the metadata cache holds an outdated copy of a document that is asked for again, the
 * version that copy gives is the guess: its dependencies are asked for at once, not one round
 * trip later (a stale install adding a package with a chain of new dependencies waits for one
 * answer, not for one per link). A guess the current document belies costs requests, not
 * correctness: what is placed comes from the current documents.
 */
import { SkiffError } from '../error/index.ts'
import { parsedSpec, type GitSpec, type RegistrySpec, type Spec } from '../spec/index.ts'
import { normalizePackage, type PackageData } from './package-data.ts'
import { type Manifest, type Packument, pickVersion } from './pick-version.ts'
import type { ResolveIO, ResolveOptions } from './types.ts'

export interface ManifestSource {
  /** the package data for a spec (not a folder), with `_resolved` and `_integrity` */
  fetchManifest(spec: Spec, requiredBy: string): Promise<PackageData>
  /** start fetching what `pkg` needs (registry dependencies, then theirs) */
  prefetchDependencies(pkg: PackageData, includeDev: boolean): void
  /** start fetching one dependency's package data (not its dependencies') */
  prefetchSpec(name: string, rawSpec: string, requiredBy: string): void
}

/** Whether the tree already holds a package of that name satisfying the spec: its document is not prefetched. */
export type IsSettled = (name: string, rawSpec: string) => boolean

export function createManifestSource(io: ResolveIO, options: ResolveOptions, isSettled: IsSettled = () => false): ManifestSource {
  const manifests = new Map<string, Promise<PackageData>>()
  /** spec → whether its dependencies were prefetched too */
  const prefetched = new Map<string, boolean>()

  /** `onGuess`: the package an outdated cached document gives, while the current one is fetched */
  function fetchManifest(spec: Spec, requiredBy: string, onGuess?: (pkg: PackageData) => void): Promise<PackageData> {
    const key = specKey(spec)
    const known = manifests.get(key)
    if (known !== undefined) return known
    const promise = loadManifest(spec, requiredBy, onGuess)
    manifests.set(key, promise)
    return promise
  }

  async function loadManifest(spec: Spec, requiredBy: string, onGuess?: (pkg: PackageData) => void): Promise<PackageData> {
    switch (spec.type) {
      case 'version':
      case 'range':
      case 'tag':
        return registryManifest(spec, spec, requiredBy, onGuess)
      case 'alias':
        return registryManifest(spec, spec.subSpec, requiredBy, onGuess)
      case 'remote':
        return tarballManifest(spec, { url: spec.url }, spec.url)
      case 'file':
        return tarballManifest(spec, { file: spec.path }, `file:${spec.path}`)
      case 'directory':
        throw new SkiffError('EINTERNAL', `${spec.raw} is a folder: it is linked, not fetched`)
      case 'git':
        return gitManifest(spec)
    }
  }

  async function registryManifest(spec: Spec, registrySpec: RegistrySpec, requiredBy: string, onGuess?: (pkg: PackageData) => void): Promise<PackageData> {
    const pick = (packument: Packument): Manifest => pickVersion(packument, registrySpec, {
      nodeVersion: options.nodeVersion,
      npmVersion: options.npmVersion,
      ...(options.defaultTag === undefined ? {} : { defaultTag: options.defaultTag }),
      ...(options.before === undefined ? {} : { before: options.before }),
      requiredBy,
    })
    const onStale = onGuess && ((stale: Packument) => onGuess(packageFromManifest(pick(stale), stale)))
    const packument = await io.getPackument(registrySpec.name, spec, onStale)
    const picked = pick(packument)
    // the lockfile-only fields are needed before this package's dependencies are walked: ask
    // for them now, with everything else in flight, not when placement reaches the package
    // (the caller remembers the answer; a failure is reported when placement asks again)
    void io.getManifestExtras?.(registrySpec.name, picked.version).catch(() => undefined)
    return packageFromManifest(picked, packument)
  }

  async function tarballManifest(spec: Spec, source: { url?: string; file?: string }, resolved: string): Promise<PackageData> {
    if (io.readTarball === undefined) {
      throw new SkiffError('EUNSUPPORTED', `${spec.raw}: tarball dependencies need the tarball reader`, { pkg: spec.name ?? spec.raw })
    }
    const contents = await io.readTarball({ ...source, pkg: spec.name ?? spec.raw })
    return { ...normalizePackage(contents.manifest), _resolved: resolved, ...(contents.integrity === undefined ? {} : { _integrity: contents.integrity }) }
  }

  async function gitManifest(spec: GitSpec): Promise<PackageData> {
    if (io.readGit === undefined) {
      throw new SkiffError('EUNSUPPORTED', `${spec.raw}: git dependencies need the git reader`, { pkg: spec.name ?? spec.raw })
    }
    // no integrity: a git package is known by its commit (pacote drops any integrity it is given)
    const { resolved, manifest } = await io.readGit(spec)
    return { ...normalizePackage(manifest), _resolved: resolved }
  }

  function prefetch(name: string, rawSpec: string, requiredBy: string, withDependencies: boolean): void {
    const key = `${name}@${rawSpec}`
    const known = prefetched.get(key)
    // a spec asked for without its dependencies (an optional peer) may be needed whole later
    if (known === true || (known === false && !withDependencies) || isSettled(name, rawSpec)) return
    prefetched.set(key, withDependencies)
    let spec: Spec
    try {
      spec = parsedSpec(name, rawSpec, '/')
    } catch {
      return
    }
    if (spec.type !== 'version' && spec.type !== 'range' && spec.type !== 'tag' && spec.type !== 'alias') return
    // observed by whoever asks for this spec for real; a speculative failure means nothing
    const loading = fetchManifest(spec, requiredBy, withDependencies ? (guess) => prefetchDependencies(guess, false) : undefined)
    void loading.then((pkg) => {
      if (!withDependencies) return
      prefetchDependencies(pkg, false)
      // most picks are what placement makes of the same spec later (antd's root dependencies
      // are placed only when the last of their documents came): their tarballs need not wait
      if (pkg.name && pkg.version && typeof pkg._resolved === 'string') {
        io.onResolved?.({ name: pkg.name, version: pkg.version, resolved: pkg._resolved, integrity: typeof pkg._integrity === 'string' ? pkg._integrity : null })
      }
    }, () => undefined)
  }

  function prefetchDependencies(pkg: PackageData, includeDev: boolean): void {
    const requiredBy = pkg.name ? `${pkg.name}@${pkg.version ?? ''}` : 'the root project'
    const groups = [pkg.dependencies, pkg.optionalDependencies]
    if (includeDev) groups.push(pkg.devDependencies)
    for (const deps of groups) for (const [name, rawSpec] of Object.entries(deps ?? {})) prefetch(name, rawSpec, requiredBy, true)
    if (options.legacyPeerDeps) return
    const meta = pkg.peerDependenciesMeta
    for (const [name, rawSpec] of Object.entries(pkg.peerDependencies ?? {})) prefetch(name, rawSpec, requiredBy, meta?.[name]?.optional !== true)
  }

  return { fetchManifest, prefetchDependencies, prefetchSpec: (name, rawSpec, requiredBy) => prefetch(name, rawSpec, requiredBy, false) }
}

/** Specs that mean the same request share one manifest (pacote's cache key is the raw spec). */
function specKey(spec: Spec): string {
  if (spec.type === 'file' || spec.type === 'directory') return `${spec.name ?? ''}@file:${spec.path}`
  return `${spec.name ?? ''}@${spec.rawSpec}`
}

/** What pacote makes of a picked version: the manifest normalised, with where it comes from. */
export function packageFromManifest(manifest: Manifest, packument: Packument): PackageData {
  const { dist, hasShrinkwrap, ...fields } = manifest
  const integrity = dist.integrity ?? (dist.shasum ? sha1Integrity(dist.shasum) : undefined)
  return normalizePackage({
    ...fields,
    name: manifest.name || packument.name,
    ...(hasShrinkwrap === undefined ? {} : { _hasShrinkwrap: hasShrinkwrap }),
    _resolved: dist.tarball,
    ...(integrity === undefined ? {} : { _integrity: integrity }),
  })
}

function sha1Integrity(shasum: string): string {
  return `sha1-${Buffer.from(shasum, 'hex').toString('base64')}`
}
