/**
 * Merging what the full registry document says about a version into the data taken from the
 * abbreviated one (npm resolves from full documents): license, libc, funding, workspaces,
 * install scripts and the bundled dependency list, normalised as npm normalises a manifest.
 */
import type { Node } from './node.ts'
import { normalizePackage, type PackageData } from './package-data.ts'
import type { ManifestExtras } from './types.ts'

export function mergeExtras(node: Node, extras: ManifestExtras): void {
  const hadBundle = (node.package.bundleDependencies?.length ?? 0) > 0
  const merged = mergePackageExtras(node.package, extras)
  const pkg = node.package
  // in place: the node's edges were made from this object
  if (merged.bundleDependencies === undefined) delete pkg.bundleDependencies
  Object.assign(pkg, merged)
  const hasBundle = (pkg.bundleDependencies?.length ?? 0) > 0
  const index = node.root.index
  if (index !== null && index.has(node) && hadBundle !== hasBundle) index.bundlers += hasBundle ? 1 : -1
}

/** A package's data with the full document's fields merged in (a new object). */
export function mergePackageExtras(pkg: PackageData, extras: ManifestExtras): PackageData {
  const merged: PackageData = { ...pkg }
  const normalized = normalizePackage({ name: pkg.name, dependencies: pkg.dependencies, ...extras })
  for (const key of ['license', 'libc', 'funding', 'workspaces'] as const) {
    if (extras[key] !== undefined) merged[key] = normalized[key]
  }
  if (extras.scripts !== undefined) merged.scripts = normalized.scripts ?? {}
  if (extras.bundleDependencies !== undefined || extras.bundledDependencies !== undefined) {
    if (normalized.bundleDependencies === undefined) delete merged.bundleDependencies
    else merged.bundleDependencies = normalized.bundleDependencies
  }
  return merged
}
