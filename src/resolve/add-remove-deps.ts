/**
 * What `install <spec>` and `uninstall <name>` do to the project's package data before the
 * tree is built (arborist's add-rm-pkg-deps): an added name moves to the dependency field of
 * its save type (inferred from where it already is, else prod), an optional one is also kept
 * in dependencies, a peer one gets its peerDependenciesMeta; a removed name leaves every field.
 */
import type { PackageData } from './package-data.ts'
import type { SaveType } from './types.ts'

const FIELD_OF: ReadonlyMap<SaveType, string> = new Map([
  ['dev', 'devDependencies'],
  ['optional', 'optionalDependencies'],
  ['prod', 'dependencies'],
  ['peerOptional', 'peerDependencies'],
  ['peer', 'peerDependencies'],
])

export interface AddRequest {
  name: string
  rawSpec: string
  saveType?: SaveType | undefined
}

export function addDependencies(pkg: PackageData, requests: readonly AddRequest[]): PackageData {
  const next = copyDependencyFields(pkg)
  for (const { name, rawSpec, saveType: requested } of requests) {
    const saveType = requested ?? inferSaveType(next, name)
    if (saveType === 'prod') {
      deleteDependency(next, 'devDependencies', name)
      deleteDependency(next, 'peerDependencies', name)
    } else if (saveType === 'dev') {
      deleteDependency(next, 'dependencies', name)
    } else if (saveType === 'optional') {
      deleteDependency(next, 'peerDependencies', name)
    } else {
      deleteDependency(next, 'dependencies', name)
      deleteDependency(next, 'optionalDependencies', name)
    }
    const field = FIELD_OF.get(saveType) ?? 'dependencies'
    const deps = (next[field] ??= {}) as Record<string, string>
    if (rawSpec !== '*' || deps[name] === undefined) deps[name] = rawSpec
    if (saveType === 'optional') (next.dependencies ??= {})[name] = deps[name] ?? rawSpec
    if (saveType === 'peer' || saveType === 'peerOptional') markPeer(next, name, saveType)
  }
  return next
}

function markPeer(pkg: PackageData, name: string, saveType: 'peer' | 'peerOptional'): void {
  const meta = pkg.peerDependenciesMeta ?? {}
  const entry = meta[name]
  if (saveType === 'peer' && entry?.optional) meta[name] = { ...entry, optional: false }
  else if (saveType === 'peerOptional') {
    meta[name] = { ...entry, optional: true }
    pkg.peerDependenciesMeta = meta
  }
  const peerSpec = pkg.peerDependencies?.[name]
  if (pkg.devDependencies?.[name] !== undefined && peerSpec !== undefined) pkg.devDependencies[name] = peerSpec
}

export function removeDependencies(pkg: PackageData, names: readonly string[]): PackageData {
  const next = copyDependencyFields(pkg)
  for (const field of new Set(FIELD_OF.values())) for (const name of names) deleteDependency(next, field, name)
  if (next.bundleDependencies !== undefined) {
    next.bundleDependencies = next.bundleDependencies.filter((name) => !names.includes(name))
    if (next.bundleDependencies.length === 0) delete next.bundleDependencies
  }
  return next
}

function inferSaveType(pkg: PackageData, name: string): SaveType {
  for (const [saveType, field] of FIELD_OF) {
    if (!hasDependency(pkg, field, name)) continue
    if (saveType === 'peerOptional' && pkg.peerDependenciesMeta?.[name]?.optional !== true) return 'peer'
    return saveType
  }
  return 'prod'
}

function hasDependency(pkg: PackageData, field: string, name: string): boolean {
  const deps = pkg[field]
  return typeof deps === 'object' && deps !== null && Object.hasOwn(deps, name)
}

function deleteDependency(pkg: PackageData, field: string, name: string): void {
  if (!hasDependency(pkg, field, name)) return
  const deps = pkg[field] as Record<string, string>
  delete deps[name]
  if (field === 'peerDependencies' && pkg.peerDependenciesMeta !== undefined) {
    delete pkg.peerDependenciesMeta[name]
    if (Object.keys(pkg.peerDependenciesMeta).length === 0) delete pkg.peerDependenciesMeta
  }
  if (Object.keys(deps).length === 0) delete pkg[field]
}

function copyDependencyFields(pkg: PackageData): PackageData {
  const next: PackageData = { ...pkg }
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta']) {
    const value = pkg[field]
    if (typeof value === 'object' && value !== null) next[field] = { ...value }
  }
  return next
}
