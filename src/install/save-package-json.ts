/**
 * How `install <spec>`, `uninstall` and `update` change package.json, as npm 11 saves it
 * (arborist reify's saveIdealTree, then @npmcli/package-json's update and save):
 *  - a registry spec is saved as save-prefix + the installed version (`^19.2.0`), unless it
 *    was a range narrower than that, which is kept as typed; an alias keeps `npm:<name>@`;
 *  - git specs save their shortcut, local folders and tarballs a `file:` path relative to
 *    the project, remote tarballs the URL;
 *  - the four dependency fields are sorted by name (`localeCompare` with 'en'), a name in
 *    optionalDependencies leaves dependencies, and an empty field is removed;
 *  - other keys keep their place; new fields go last; the file keeps its indent and newline
 *    and is not rewritten when nothing changed.
 */
import path from 'node:path'
import semver from 'semver'
import type { Spec } from '../spec/index.ts'

export type SaveType = 'prod' | 'dev' | 'optional' | 'peer' | 'peerOptional'

export interface SaveRequest {
  name: string
  spec: Spec
  saveType?: SaveType
  /** the version that was installed for it, if any */
  installedVersion?: string
  /** the package name installed (differs from `name` for an alias) */
  installedName?: string
}

export interface SaveOptions {
  projectDir: string
  /** `^` by default; '' with --save-exact */
  savePrefix: string
}

const DEPENDENCY_FIELDS = ['dependencies', 'optionalDependencies', 'devDependencies', 'peerDependencies'] as const
type DependencyField = (typeof DEPENDENCY_FIELDS)[number]

const FIELD_OF: Record<SaveType, DependencyField> = {
  prod: 'dependencies',
  dev: 'devDependencies',
  optional: 'optionalDependencies',
  peer: 'peerDependencies',
  peerOptional: 'peerDependencies',
}

/** The spec npm writes into package.json for an installed request. */
export function savedSpec(request: SaveRequest, options: SaveOptions): string {
  const { spec } = request
  const target = spec.type === 'alias' ? spec.subSpec : spec
  switch (target.type) {
    case 'version':
    case 'range':
    case 'tag': {
      const version = request.installedVersion
      const prefixRange = version ? `${options.savePrefix}${version}` : '*'
      const typed = target.fetchSpec
      const keepTyped = target.type === 'range' && typed !== '*' && typed !== '' && !isSubset(prefixRange, typed)
      const range = keepTyped ? typed : prefixRange
      const name = request.installedName ?? target.name
      return spec.type === 'alias' || name !== request.name ? `npm:${name}@${range}` : range
    }
    case 'git':
      return target.saveSpec ?? target.raw
    case 'file':
    case 'directory':
      return `file:${relativePath(options.projectDir, target.path)}`
    case 'remote':
      return target.url
  }
}

function isSubset(range: string, of: string): boolean {
  try {
    return semver.subset(range, of, { loose: true })
  } catch {
    return false
  }
}

function relativePath(from: string, to: string): string {
  const relative = path.relative(from, to).split(path.sep).join('/')
  return relative === '' ? '.' : relative
}

export interface PackageJsonChanges {
  add: Array<{ name: string; spec: string; saveType?: SaveType }>
  remove: string[]
}

/** package.json data after the changes, with npm's placement, order and pruning. */
export function applyPackageJsonChanges(original: Record<string, unknown>, changes: PackageJsonChanges): Record<string, unknown> {
  const fields = new Map<DependencyField, Record<string, string>>()
  for (const field of DEPENDENCY_FIELDS) fields.set(field, { ...stringMap(original[field]) })
  const get = (field: DependencyField) => fields.get(field) as Record<string, string>
  for (const name of changes.remove) for (const field of DEPENDENCY_FIELDS) delete get(field)[name]
  for (const { name, spec, saveType } of changes.add) {
    if (saveType === undefined) {
      // an existing dependency is updated where it is; a new one is a prod dependency
      const present = DEPENDENCY_FIELDS.filter((field) => get(field)[name] !== undefined)
      if (present.length === 0) get('dependencies')[name] = spec
      for (const field of present) get(field)[name] = spec
      continue
    }
    for (const field of DEPENDENCY_FIELDS) {
      if (field !== FIELD_OF[saveType] && !(saveType === 'dev' && field === 'peerDependencies')) delete get(field)[name]
    }
    get(FIELD_OF[saveType])[name] = spec
  }
  for (const name of Object.keys(get('optionalDependencies'))) delete get('dependencies')[name]

  const result: Record<string, unknown> = { ...original }
  for (const field of DEPENDENCY_FIELDS) {
    const deps = get(field)
    const names = Object.keys(deps).sort((a, b) => a.localeCompare(b, 'en'))
    if (names.length === 0) {
      delete result[field]
      continue
    }
    result[field] = Object.fromEntries(names.map((name) => [name, deps[name]]))
  }
  return result
}

/** package.json text as npm writes it: the detected indent and newline, a final newline. */
export function formatPackageJson(data: Record<string, unknown>, format: { indent: string; newline: string }): string {
  return `${JSON.stringify(data, null, format.indent)}\n`.replace(/\n/g, format.newline)
}

function stringMap(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {}
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
}
