/**
 * What the resolver is given: options (config values, read once by the caller) and the I/O it
 * may do, injected, so every decision stays testable with literal data.
 */
import type { Lockfile } from '../lockfile/index.ts'
import type { GitSpec, Spec } from '../spec/index.ts'
import type { Packument } from './pick-version.ts'

export type SaveType = 'prod' | 'dev' | 'optional' | 'peer' | 'peerOptional'

export interface ResolveOptions {
  legacyPeerDeps: boolean
  strictPeerDeps: boolean
  force: boolean
  /** compared with `engines.node` when versions are picked, and by the platform check */
  nodeVersion: string
  npmVersion: string
  defaultTag?: string
  before?: Date
  omitLockfileRegistryResolved: boolean
  /** the registry a package name is fetched from (scoped registries) */
  registryFor(name: string): string
  preferDedupe?: boolean
  installStrategy?: 'hoisted' | 'nested' | 'shallow'
  /**
   * npm's global mode (`-g`): the root is the global folder and its dependencies are the
   * global packages, each with its own dependencies (and peers) inside its folder; use with
   * installStrategy 'shallow'.
   */
  global?: boolean
  /** the platform the install runs on: a required package for another one is EBADPLATFORM */
  platform?: { os: string; cpu: string; libc?: string }
  /** dependency kinds left out of the install (--omit): their packages are not platform-checked */
  omit?: ReadonlyArray<'dev' | 'optional' | 'peer'>
}

/** Where a tarball is read from: a URL (remote specs, registry packages, git dependencies' `resolved`) or a file on disk. */
export interface TarballSource {
  url?: string
  file?: string
  integrity?: string
  /** name or name@version, for messages */
  pkg: string
}

export interface TarballContents {
  /** SRI of the tarball bytes (sha512); absent for a git dependency's packed files */
  integrity?: string
  /** its package.json */
  manifest: Record<string, unknown>
  /** the package.json of every package under its node_modules, by path: `node_modules/a`, `node_modules/a/node_modules/b` */
  bundled: Array<{ path: string; manifest: Record<string, unknown> }>
  /** the text of its npm-shrinkwrap.json, if it has one */
  shrinkwrap?: string
}

/** Fields of a version's full registry document that the abbreviated one lacks and the lockfile records. */
export interface ManifestExtras {
  license?: unknown
  libc?: unknown
  funding?: unknown
  workspaces?: unknown
  /** install scripts make `hasInstallScript`, which old abbreviated documents lack */
  scripts?: unknown
  bundleDependencies?: unknown
  /** the older spelling */
  bundledDependencies?: unknown
}

export interface ResolvedPackage {
  name: string
  version: string
  resolved: string
  integrity: string | null
}

export interface ResolveWarning {
  code: 'ERESOLVE' | 'EBADENGINE' | 'EOPTIONAL' | 'EOLDLOCK'
  message: string
  /** the report npm prints under the message */
  lines: string[]
}

export interface ResolveIO {
  /**
   * the packument of a registry package (`spec` is what asked for it: an alias gives its target's
   * name); `onStale` gets an outdated cached copy, if there is one, while the current one is fetched
   */
  getPackument(name: string, spec: Spec, onStale?: (stale: Packument) => void): Promise<Packument>
  /** the fields the abbreviated packument lacks, for the lockfile (absent: the lockfile lacks them too) */
  getManifestExtras?(name: string, version: string): Promise<ManifestExtras>
  /** the package.json of a `file:` folder dependency */
  readFolderManifest?(dir: string): Promise<Record<string, unknown>>
  /** a tarball's manifest, integrity and bundled packages: remote and `file:` tarballs, and packages that bundle */
  readTarball?(source: TarballSource): Promise<TarballContents>
  /** a git dependency: the commit its spec names (`resolved`: `<repository>#<sha>`) and that commit's package.json */
  readGit?(spec: GitSpec): Promise<{ resolved: string; manifest: Record<string, unknown> }>
  /**
   * a version was placed in the tree, or picked for a dependency the tree will most likely
   * hold (before placement gets to it): its tarball can be fetched now (told once a package)
   */
  onResolved?(node: ResolvedPackage): void
  /** a conflict npm accepts with a warning */
  onWarning?(warning: ResolveWarning): void
}

export interface BuildIdealTreeInput extends ResolveIO {
  /** absolute */
  projectDir: string
  /** package.json */
  rootManifest: Record<string, unknown>
  /** workspace folders (location → package.json), found from the `workspaces` globs */
  workspaces?: Map<string, Record<string, unknown>>
  /** an existing lockfile: what it locks is kept where it still satisfies */
  baseline?: Lockfile
  /** explicit requests (`skiff install react@19 -D`) */
  add?: Array<{ spec: Spec; saveType?: SaveType }>
  remove?: string[]
  update?: { all: boolean; names: string[] }
  options: ResolveOptions
  /** stops the walk between two steps (Ctrl-C); the reason is thrown */
  signal?: AbortSignal
}
