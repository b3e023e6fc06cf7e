/**
 * Merging what the full registry document says about a version into the data taken from the
 * abbreviated one (npm resolves from full documents): license, libc, funding, workspaces,
 * install scripts and the bundled dependency list, normalised as npm normalises a manifest.
 */
import type { Node } from './node.ts'
import { normalizePackage } from './package-data.ts'
import type { ManifestExtras } from './types.ts'

export function mergeExtras(node: Node, extras: ManifestExtras): void {
  const pkg = node.package
  const hadBundle = (pkg.bundleDependencies?.length ?? 0) > 0
  const normalized = normalizePackage({ name: pkg.name, dependencies: pkg.dependencies, ...extras })
  for (const key of ['license', 'libc', 'funding', 'workspaces'] as const) {
    if (extras[key] !== undefined) pkg[key] = normalized[key]
  }
  if (extras.scripts !== undefined) pkg.scripts = normalized.scripts ?? {}
  if (extras.bundleDependencies !== undefined || extras.bundledDependencies !== undefined) {
    if (normalized.bundleDependencies === undefined) delete pkg.bundleDependencies
    else pkg.bundleDependencies = normalized.bundleDependencies
  }
  const hasBundle = (pkg.bundleDependencies?.length ?? 0) > 0
  const index = node.root.index
  if (index !== null && index.has(node) && hadBundle !== hasBundle) index.bundlers += hasBundle ? 1 : -1
}
