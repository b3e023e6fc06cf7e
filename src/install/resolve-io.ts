/**
 * The resolver's I/O for real installs: packuments through the registry client (its metadata
 * cache, auth and retries), the fields npm locks that abbreviated packuments lack from each
 * version's own document, tarballs (remote and `file:` ones, and packages that bundle
 * dependencies) through the store, so a tarball read for resolution is never fetched twice;
 * git dependencies through git-packages.ts, which stores their packed files as it resolves them.
 * Every lookup is deduplicated while in flight; a failed one is forgotten so a retry can work.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import { errnoCode, SkiffError } from '../error/index.ts'
import { readPackageJson } from '../lockfile/index.ts'
import { keepInCache, type CacheWrite, type PackumentForm, type RegistryClient } from '../registry/index.ts'
import { PACKUMENT_TEXT_FORMAT, packumentBytes, packumentForCache, packumentFromBytes, type ManifestExtras, type Packument, type ResolveIO, type TarballContents, type TarballSource } from '../resolve/index.ts'
import { integrityOf, type Store, type StoredPackage } from '../store/index.ts'
import type { GitSpec } from '../spec/index.ts'
import { splitPaths } from '../tarball/index.ts'
import { isGitResolved, type GitPackage, type GitPackages } from './git-packages.ts'

const encoder = new TextEncoder()

export interface ResolveIODeps {
  registry: RegistryClient
  store: Store
  signal?: AbortSignal
  /** makes the compact text of a packument's bytes and caches it, on worker threads (packument-pool.ts); on this thread without it */
  packumentText?: (body: Uint8Array, name: string, write: CacheWrite) => Promise<Uint8Array>
  /** git dependencies (without it they are EUNSUPPORTED) */
  git?: GitPackages
  /** called when a packument is asked for over the network: packumentText's threads can start while it comes */
  expectPackuments?: () => void
  /** runs a job of a lane (--timings: each document, from its request until it can be read, is one of the lane `metadata`) */
  timed?: <T>(lane: string, run: () => Promise<T>) => Promise<T>
}

export function createResolveIO(deps: ResolveIODeps): Required<Pick<ResolveIO, 'getPackument' | 'getManifestExtras' | 'readTarball' | 'readFolderManifest'>> & Pick<ResolveIO, 'readGit'> {
  const packuments = new Map<string, Promise<Packument>>()
  const extras = new Map<string, Promise<ManifestExtras>>()
  const tarballs = new Map<string, Promise<TarballContents>>()
  const gitPackages = new Map<string, Promise<GitPackage>>()
  const { registry, store, signal, git } = deps
  const timed = deps.timed ?? ((_lane, run) => run())
  const options = signal === undefined ? {} : { signal }
  // packuments are cached and handed over compact: what the resolver needs, checked once
  const form: PackumentForm<Packument> = {
    name: PACKUMENT_TEXT_FORMAT,
    toCached: deps.packumentText ?? ((body, name, write) => {
      const bytes = packumentBytes(body, name)
      keepInCache(write, packumentForCache(bytes))
      return bytes
    }),
    fromCached: (cached, name) => packumentFromBytes(typeof cached === 'string' ? encoder.encode(cached) : cached, name),
    ...(deps.expectPackuments === undefined ? {} : { expect: deps.expectPackuments }),
  }

  return {
    getPackument(name, _spec, onStale) {
      const asked = onStale === undefined ? options : { ...options, onStale }
      return once(packuments, name, () => timed('metadata', async () => (await registry.fetchPackumentAs(name, form, asked)).packument))
    },
    getManifestExtras(name, version) {
      return once(extras, `${name}@${version}`, async () => {
        // full packuments (what a registry that ignores the abbreviated Accept header sends)
        // already hold every version's lockfile-only fields: they spare a request each
        const packument = await packuments.get(name)?.catch(() => undefined)
        if (packument?.extras !== undefined) return packument.extras.get(version) ?? {}
        return extrasOf((await registry.fetchVersionManifest(name, version, options)).packument)
      })
    },
    readTarball(source) {
      return once(tarballs, source.url ?? source.file ?? source.pkg, () => readTarball(source))
    },
    async readFolderManifest(dir) {
      try {
        return (await readPackageJson(dir)).data
      } catch (error) {
        throw missingPath(error, path.join(dir, 'package.json'), 'a folder dependency must be a package folder with a package.json: check the path')
      }
    },
    ...(git === undefined ? {} : { readGit: (spec: GitSpec) => once(gitPackages, spec.rawSpec, () => git.resolve(spec)) }),
  }

  async function readTarball(source: TarballSource): Promise<TarballContents> {
    if (source.url !== undefined && isGitResolved(source.url)) return readGitPackage(source.url, source.pkg)
    const known = source.integrity === undefined ? undefined : store.get(store.keyFor({ integrity: source.integrity }))
    if (known) return contentsOf(known, source.integrity as string)
    const bytes = source.file !== undefined
      ? new Uint8Array(await fs.readFile(source.file).catch((error: unknown) => {
        throw missingPath(error, source.file as string, 'check the path of the tarball')
      }))
      : await registry.fetchTarball({ url: source.url ?? '', pkg: source.pkg, ...options })
    const integrity = source.integrity ?? integrityOf(bytes, 'sha512')
    const stored = await store.add(store.keyFor({ integrity }), bytes, { pkg: source.pkg, integrity })
    return contentsOf(stored, integrity)
  }

  /** A git dependency's packed files: stored when it was resolved, else checked out and packed again. */
  async function readGitPackage(resolved: string, pkg: string): Promise<TarballContents> {
    const key = store.keyFor({ resolved })
    const known = store.get(key)
    if (known) return contentsOf(known, undefined)
    if (git === undefined) throw new SkiffError('EUNSUPPORTED', `${pkg}: git dependencies need git support here`, { pkg })
    return contentsOf(await store.add(key, await git.pack(resolved, pkg), { pkg }), undefined)
  }
}

/** A folder or tarball that is not there: npm's ENOENT naming the path, not a crash. */
function missingPath(error: unknown, file: string, hint: string): unknown {
  const code = errnoCode(error)
  if (code !== 'ENOENT' && code !== 'ENOTDIR') return error
  return new SkiffError('ENOENT', `could not read ${file}: no such file or directory`, { path: file, hint, cause: error })
}

/** The tarball's package.json and those of the packages bundled under its node_modules. */
async function contentsOf(stored: StoredPackage, integrity: string | undefined): Promise<TarballContents> {
  const manifest = (await readPackageJson(stored.dir)).data
  const bundled: TarballContents['bundled'] = []
  const files = splitPaths(stored.index.files)
  for (const file of files) {
    if (!file.startsWith('node_modules/') || !isPackageJsonOfBundle(file)) continue
    const folder = path.posix.dirname(file)
    bundled.push({ path: folder, manifest: (await readPackageJson(path.join(stored.dir, folder))).data })
  }
  const contents = { ...(integrity === undefined ? {} : { integrity }), manifest, bundled }
  if (!files.includes('npm-shrinkwrap.json')) return contents
  return { ...contents, shrinkwrap: await fs.readFile(path.join(stored.dir, 'npm-shrinkwrap.json'), 'utf8') }
}

/** node_modules/a/package.json, node_modules/@s/a/package.json, nested node_modules alike. */
function isPackageJsonOfBundle(file: string): boolean {
  return /(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/@][^/]*\/package\.json$/.test(file)
}

function extrasOf(document: unknown): ManifestExtras {
  if (typeof document !== 'object' || document === null) return {}
  const { license, libc, funding, workspaces, scripts, bundleDependencies, bundledDependencies } = document as Record<string, unknown>
  return { license, libc, funding, workspaces, scripts, bundleDependencies, bundledDependencies }
}

function once<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  const known = cache.get(key)
  if (known) return known
  const loading = load()
  cache.set(key, loading)
  // a failed lookup is not remembered: the caller sees the error, a later call tries again
  loading.catch(() => cache.delete(key))
  return loading
}
