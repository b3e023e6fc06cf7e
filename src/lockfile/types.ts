/**
 * The one model every npm lockfile (v1, v2, v3, npm-shrinkwrap.json, the hidden
 * node_modules/.package-lock.json) is read into: the v3 `packages` map, keyed by location.
 */

/** One entry of `packages`, as npm writes it. Unknown keys are kept so a rewrite loses nothing. */
export interface LockEntry {
  name?: string
  version?: string
  resolved?: string
  integrity?: string
  link?: boolean
  dev?: boolean
  optional?: boolean
  devOptional?: boolean
  peer?: boolean
  extraneous?: boolean
  inBundle?: boolean
  hasInstallScript?: boolean
  hasShrinkwrap?: boolean
  /** a string as npm writes it; old packages carry arrays or objects, kept verbatim */
  license?: string | unknown[] | Record<string, unknown>
  deprecated?: string
  bin?: Record<string, string>
  os?: string[]
  cpu?: string[]
  libc?: string[]
  /** old packages declare an array ("node >= 0.8"), kept verbatim */
  engines?: Record<string, string> | string[]
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
  acceptDependencies?: Record<string, string>
  bundleDependencies?: string[] | boolean
  workspaces?: string[] | { packages?: string[] }
  funding?: unknown
  [key: string]: unknown
}

export type LockfileKind = 'npm-shrinkwrap.json' | 'package-lock.json' | 'hidden'

export interface Lockfile {
  /** absolute path of the file read */
  file: string
  kind: LockfileKind
  /** lockfileVersion as found in the file (1, 2 or 3) */
  lockfileVersion: number
  name?: string
  version?: string
  /** every location: "" is the root project, "node_modules/a", "node_modules/a/node_modules/b", "packages/x" */
  packages: Map<string, LockEntry>
}

/** A node of the legacy `dependencies` tree: all of lockfileVersion 1, and beside `packages` in version 2. */
export interface LegacyLockNode {
  version?: string
  /** the spec it was installed from (git dependencies) */
  from?: string
  resolved?: string
  integrity?: string
  bundled?: boolean
  extraneous?: boolean
  peer?: boolean
  devOptional?: boolean
  dev?: boolean
  optional?: boolean
  requires?: Record<string, string>
  dependencies?: Record<string, LegacyLockNode>
}
