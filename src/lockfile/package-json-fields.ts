/**
 * `skiff pkg get | set | delete` on package.json, with npm pkg's key syntax (@npmcli/
 * queryable): dots between object keys (`scripts.test`), `[n]` for an array item
 * (`files[0]`), `[]` to append (`keywords[]=cli`). Pure: an object in, a new object out.
 */
import { SkiffError } from '../error/index.ts'

type Json = unknown
type Segment = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'append' }

export function parseFieldPath(path: string): Segment[] {
  const segments: Segment[] = []
  for (const part of path.split('.')) {
    const match = /^([^[\]]*)((?:\[\d*\])*)$/.exec(part)
    if (!match) throw badPath(path)
    if (match[1] !== '') segments.push({ kind: 'key', key: match[1] as string })
    for (const bracket of (match[2] ?? '').match(/\[\d*\]/g) ?? []) {
      segments.push(bracket === '[]' ? { kind: 'append' } : { kind: 'index', index: Number(bracket.slice(1, -1)) })
    }
  }
  if (segments.length === 0) throw badPath(path)
  return segments
}

/** The value at `path`, or undefined. */
export function getField(data: Json, path: string): Json {
  let current = data
  for (const segment of parseFieldPath(path)) {
    if (segment.kind === 'append') return undefined
    if (segment.kind === 'index') current = Array.isArray(current) ? current[segment.index] : undefined
    else current = isObject(current) && Object.hasOwn(current, segment.key) ? current[segment.key] : undefined
    if (current === undefined) return undefined
  }
  return current
}

/** A copy of `data` with `value` at `path`, making the objects and arrays on the way. */
export function setField(data: Record<string, unknown>, path: string, value: Json): Record<string, unknown> {
  return setAt(data, parseFieldPath(path), value, path) as Record<string, unknown>
}

/** A copy of `data` without `path` (an array item is taken out, the rest move up). */
export function deleteField(data: Record<string, unknown>, path: string): Record<string, unknown> {
  const segments = parseFieldPath(path)
  return deleteAt(data, segments) as Record<string, unknown>
}

function setAt(current: Json, segments: readonly Segment[], value: Json, path: string): Json {
  const [segment, ...rest] = segments
  if (segment === undefined) return value
  if (segment.kind === 'key') {
    if (current !== undefined && !isObject(current)) throw notContainer(path, segment.key)
    const object = { ...(current as Record<string, unknown> | undefined) }
    object[segment.key] = setAt(object[segment.key], rest, value, path)
    return object
  }
  if (current !== undefined && !Array.isArray(current)) throw notContainer(path, segment.kind === 'index' ? `[${segment.index}]` : '[]')
  const array = [...((current as unknown[] | undefined) ?? [])]
  const index = segment.kind === 'append' ? array.length : segment.index
  array[index] = setAt(array[index], rest, value, path)
  return array
}

function deleteAt(current: Json, segments: readonly Segment[]): Json {
  const [segment, ...rest] = segments
  if (segment === undefined || segment.kind === 'append') return current
  if (segment.kind === 'key') {
    if (!isObject(current) || !Object.hasOwn(current, segment.key)) return current
    const object = { ...current }
    if (rest.length === 0) delete object[segment.key]
    else object[segment.key] = deleteAt(object[segment.key], rest)
    return object
  }
  if (!Array.isArray(current) || segment.index >= current.length) return current
  const array = [...current]
  if (rest.length === 0) array.splice(segment.index, 1)
  else array[segment.index] = deleteAt(array[segment.index], rest)
  return array
}

function isObject(value: Json): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function badPath(path: string): SkiffError {
  return new SkiffError('EUSAGE', `"${path}" is not a package.json key`, { hint: 'keys are written like name, scripts.test, files[0] or keywords[] (to append)' })
}

function notContainer(path: string, at: string): SkiffError {
  return new SkiffError('EUSAGE', `cannot set "${path}": the value before "${at}" is not ${at.startsWith('[') ? 'an array' : 'an object'}`, { hint: 'delete the field first, or set it with --json' })
}
