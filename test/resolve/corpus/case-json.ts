/**
 * The shape of a corpus case (case.json) and of a recorded npm failure (expected-error.json),
 * checked when read so a typo in a hand-written case fails loudly instead of silently changing
 * what npm is asked to do.
 */
import type { FileDef, PackageDef } from '../../registry/index.ts'

export interface CaseJson {
  description: string
  /** the fixture registry's contents */
  packages: PackageDef[]
  /** the project's package.json */
  packageJson: Record<string, unknown>
  /** how package.json is written (npm copies indent and newline into the lockfile); default 2 spaces and \n */
  format?: { indent: string; newline: string }
  /** the project's .npmrc */
  npmrc?: string
  /** extra arguments for `npm install` */
  args?: string[]
  /** workspace folder (relative to the project) → its package.json */
  workspaces?: Record<string, Record<string, unknown>>
  /** a package-lock.json to start from, with the registry written as the placeholder */
  baseline?: Record<string, unknown>
  expect: 'lockfile' | 'error'
}

export interface ExpectedError {
  /** npm's code: ERESOLVE, ETARGET, E404... */
  code: string
  /** the lines npm printed after `npm error code X`, without the `npm error ` prefix */
  summary: string[]
}

type Json = Record<string, unknown>

const CASE_KEYS = new Set(['description', 'packages', 'packageJson', 'format', 'npmrc', 'args', 'workspaces', 'baseline', 'expect'])
const STRING_MAP_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies', 'devDependencies', 'engines', 'scripts'] as const
const STRING_LIST_FIELDS = ['bundleDependencies', 'os', 'cpu', 'libc', 'distTags'] as const

export function parseCaseJson(text: string, file: string): CaseJson {
  const json = record(JSON.parse(text), file)
  for (const key of Object.keys(json)) if (!CASE_KEYS.has(key)) throw new Error(`${file}: unknown key "${key}"`)
  const expect = json.expect
  if (expect !== 'lockfile' && expect !== 'error') throw new Error(`${file}: expect must be "lockfile" or "error"`)
  const result: CaseJson = {
    description: string(json.description, `${file}: description`),
    packages: list(json.packages, `${file}: packages`).map((item, index) => parsePackageDef(item, `${file}: packages[${index}]`)),
    packageJson: record(json.packageJson, `${file}: packageJson`),
    expect,
  }
  if (json.format !== undefined) {
    const format = record(json.format, `${file}: format`)
    result.format = { indent: string(format.indent, `${file}: format.indent`), newline: string(format.newline, `${file}: format.newline`) }
  }
  if (json.npmrc !== undefined) result.npmrc = string(json.npmrc, `${file}: npmrc`)
  if (json.args !== undefined) result.args = stringList(json.args, `${file}: args`)
  if (json.workspaces !== undefined) {
    const workspaces = record(json.workspaces, `${file}: workspaces`)
    result.workspaces = Object.fromEntries(Object.entries(workspaces).map(([dir, manifest]) => [dir, record(manifest, `${file}: workspaces.${dir}`)]))
  }
  if (json.baseline !== undefined) result.baseline = record(json.baseline, `${file}: baseline`)
  return result
}

export function parseExpectedError(text: string, file: string): ExpectedError {
  const json = record(JSON.parse(text), file)
  return { code: string(json.code, `${file}: code`), summary: stringList(json.summary, `${file}: summary`) }
}

function parsePackageDef(value: unknown, where: string): PackageDef {
  const json = record(value, where)
  const def: PackageDef = { ...json, name: string(json.name, `${where}.name`), version: string(json.version, `${where}.version`) }
  for (const field of STRING_MAP_FIELDS) if (json[field] !== undefined) def[field] = stringMap(json[field], `${where}.${field}`)
  for (const field of STRING_LIST_FIELDS) if (json[field] !== undefined) def[field] = stringList(json[field], `${where}.${field}`)
  if (json.bin !== undefined) def.bin = typeof json.bin === 'string' ? json.bin : stringMap(json.bin, `${where}.bin`)
  if (json.license !== undefined) def.license = typeof json.license === 'string' ? json.license : stringMap(json.license, `${where}.license`)
  if (json.deprecated !== undefined) def.deprecated = string(json.deprecated, `${where}.deprecated`)
  if (json.time !== undefined) def.time = string(json.time, `${where}.time`)
  if (json.peerDependenciesMeta !== undefined) def.peerDependenciesMeta = peerMeta(json.peerDependenciesMeta, `${where}.peerDependenciesMeta`)
  if (json.files !== undefined) def.files = files(json.files, `${where}.files`)
  if (json.tarball !== undefined) throw new Error(`${where}.tarball: a corpus package is built from its definition`)
  return def
}

function peerMeta(value: unknown, where: string): Record<string, { optional?: boolean }> {
  return Object.fromEntries(Object.entries(record(value, where)).map(([name, meta]) => {
    const optional = record(meta, `${where}.${name}`).optional
    if (optional !== undefined && typeof optional !== 'boolean') throw new Error(`${where}.${name}.optional: expected a boolean`)
    return [name, optional === undefined ? {} : { optional }]
  }))
}

function files(value: unknown, where: string): Record<string, FileDef> {
  return Object.fromEntries(Object.entries(record(value, where)).map(([file, content]): [string, FileDef] => {
    if (typeof content === 'string') return [file, content]
    const entry = record(content, `${where}.${file}`)
    const text = string(entry.content, `${where}.${file}.content`)
    if (entry.mode === undefined) return [file, { content: text }]
    if (typeof entry.mode !== 'number') throw new Error(`${where}.${file}.mode: expected a number`)
    return [file, { content: text, mode: entry.mode }]
  }))
}

function record(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: expected an object`)
  return value as Json
}

function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${where}: expected an array`)
  return value
}

function string(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new Error(`${where}: expected a string`)
  return value
}

function stringList(value: unknown, where: string): string[] {
  return list(value, where).map((item, index) => string(item, `${where}[${index}]`))
}

function stringMap(value: unknown, where: string): Record<string, string> {
  return Object.fromEntries(Object.entries(record(value, where)).map(([key, item]) => [key, string(item, `${where}.${key}`)]))
}
