/**
 * Literal registries and trees for the resolver's unit tests: packuments built in memory
 * (no network, no tarballs), the resolver options every test starts from, and a way to
 * resolve a package.json and look at the lockfile entries that come out.
 */
import { type LockEntry, serializeLockfile } from '../../src/lockfile/index.ts'
import {
  buildIdealTree,
  type BuildIdealTreeInput,
  lockfileFromTree,
  parsePackument,
  type ResolveOptions,
  type IdealTree,
  type ResolveWarning,
} from '../../src/resolve/index.ts'

export interface VersionDef {
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
  bundleDependencies?: string[]
  os?: string[]
  cpu?: string[]
  license?: string
  deprecated?: string
  [field: string]: unknown
}

export const REGISTRY = 'https://registry.test/'

/** `{ a: { '1.0.0': {...}, '2.0.0': {...} } }`; `latest` is the last version listed unless `dist-tags` says otherwise. */
export type RegistryDef = Record<string, Record<string, VersionDef> & { 'dist-tags'?: Record<string, string> }>

export function tarballUrl(name: string, version: string): string {
  return `${REGISTRY}${name}/-/${name.replace(/^@[^/]+\//, '')}-${version}.tgz`
}

export function packumentJson(name: string, def: RegistryDef[string]): Record<string, unknown> {
  const { 'dist-tags': tags, ...versions } = def
  const list = Object.keys(versions)
  const corgi: Record<string, unknown> = {}
  for (const [version, fields] of Object.entries(versions)) {
    const { license: _license, ...rest } = fields as VersionDef
    corgi[version] = { name, version, ...rest, dist: { tarball: tarballUrl(name, version), integrity: `sha512-${name}@${version}` } }
  }
  return { name, 'dist-tags': tags ?? { latest: list.at(-1) }, versions: corgi }
}

export interface MemoryRegistry {
  getPackument: BuildIdealTreeInput['getPackument']
  getManifestExtras: NonNullable<BuildIdealTreeInput['getManifestExtras']>
  /** names asked for, in order */
  requested: string[]
}

export function memoryRegistry(def: RegistryDef, delayMs = 0): MemoryRegistry {
  const requested: string[] = []
  return {
    requested,
    async getPackument(name) {
      requested.push(name)
      if (delayMs > 0) await Bun.sleep(delayMs)
      const packument = def[name]
      if (packument === undefined) throw Object.assign(new Error(`404 Not Found - ${name}`), { code: 'E404' })
      return parsePackument(packumentJson(name, packument), name)
    },
    async getManifestExtras(name, version) {
      const license = def[name]?.[version]?.license
      return license === undefined ? {} : { license }
    },
  }
}

export function resolveOptions(overrides: Partial<ResolveOptions> = {}): ResolveOptions {
  return {
    legacyPeerDeps: false,
    strictPeerDeps: false,
    force: false,
    nodeVersion: 'v22.0.0',
    npmVersion: '11.19.1',
    omitLockfileRegistryResolved: false,
    registryFor: () => REGISTRY,
    ...overrides,
  }
}

export interface Resolved {
  /** lockfile entries by location */
  packages: Map<string, LockEntry>
  /** `location → version` of every package (not the root) */
  versions: Record<string, string | undefined>
  text: string
  warnings: ResolveWarning[]
  requests: IdealTree['requests']
}

export async function resolveProject(
  registry: RegistryDef | MemoryRegistry,
  rootManifest: Record<string, unknown>,
  extra: Omit<Partial<BuildIdealTreeInput>, 'options'> & { options?: Partial<ResolveOptions>; savedManifest?: Record<string, unknown> } = {},
): Promise<Resolved> {
  const io = 'getPackument' in registry ? registry : memoryRegistry(registry as RegistryDef)
  const warnings: ResolveWarning[] = []
  const { options, savedManifest, ...rest } = extra
  const tree = await buildIdealTree({
    projectDir: '/project',
    rootManifest,
    getPackument: io.getPackument as BuildIdealTreeInput['getPackument'],
    getManifestExtras: io.getManifestExtras as BuildIdealTreeInput['getManifestExtras'],
    onWarning: (warning) => warnings.push(warning),
    ...rest,
    options: resolveOptions(options),
  })
  const lock = lockfileFromTree(tree, savedManifest ?? rootManifest, { omitLockfileRegistryResolved: options?.omitLockfileRegistryResolved ?? false })
  const versions: Record<string, string | undefined> = {}
  for (const [location, entry] of lock.packages) if (location !== '') versions[location] = entry.version
  return { packages: lock.packages, versions, text: serializeLockfile(lock, { indent: 2, newline: '\n' }), warnings, requests: tree.requests }
}
