/**
 * The settings skiff reads, with npm's types and defaults (@npmcli/config definitions),
 * and the coercion of a raw string into that type.
 *
 * A value that does not fit its key's type is an error here (npm warns and falls back to
 * the default, which silently changes what an install does). Keys not listed are kept as
 * strings in `Config.raw` for lifecycle scripts and never rejected.
 */
import path from 'node:path'

export type Kind =
  | { type: 'boolean' }
  | { type: 'number' }
  | { type: 'string' }
  | { type: 'path' }
  | { type: 'url' }
  /** a URL, or `false` to turn the setting off (npm's `proxy`) */
  | { type: 'url-or-false' }
  | { type: 'one-of'; values: readonly string[] }
  /** a list; `values` restricts its items; `separator` splits one string into items */
  | { type: 'list'; values?: readonly string[]; separator?: RegExp }

export type Value = string | number | boolean | string[] | null

export interface Definition {
  kind: Kind
  default: Value
}

const bool = (fallback: boolean | null): Definition => ({ kind: { type: 'boolean' }, default: fallback })
const num = (fallback: number): Definition => ({ kind: { type: 'number' }, default: fallback })

export const LOG_LEVELS = ['silent', 'error', 'warn', 'notice', 'http', 'info', 'verbose', 'silly'] as const

export const DEFINITIONS: Readonly<Record<string, Definition>> = {
  also: { kind: { type: 'one-of', values: ['dev', 'development'] }, default: null },
  ca: { kind: { type: 'list', separator: /\n\n/ }, default: null },
  cache: { kind: { type: 'path' }, default: null },
  cafile: { kind: { type: 'path' }, default: null },
  dev: bool(false),
  // a package whose engines exclude this node or npm fails the install (EBADENGINE) instead of a warning
  'engine-strict': bool(false),
  'fetch-retries': num(2),
  'fetch-retry-factor': num(10),
  'fetch-retry-maxtimeout': num(60_000),
  'fetch-retry-mintimeout': num(10_000),
  'fetch-timeout': num(300_000),
  // skiff's own: how long an install waits for another one in the same project (ms)
  'lock-timeout': num(600_000),
  // skiff's own: a package whose files add up to more than this is refused (a decompression bomb)
  'max-unpacked-bytes': num(1024 * 1024 * 1024),
  // among other things: engine-strict's node check is skipped
  force: bool(false),
  // skiff's own: the per-file calls of extraction and linking go to libc (false: node:fs only)
  'native-io': bool(true),
  global: bool(false),
  globalconfig: { kind: { type: 'path' }, default: null },
  'https-proxy': { kind: { type: 'url' }, default: null },
  'ignore-scripts': bool(false),
  include: { kind: { type: 'list', values: ['prod', 'dev', 'optional', 'peer'], separator: /\n\n/ }, default: [] },
  'legacy-peer-deps': bool(false),
  loglevel: { kind: { type: 'one-of', values: LOG_LEVELS }, default: 'notice' },
  noproxy: { kind: { type: 'list', separator: /,/ }, default: null },
  offline: bool(false),
  omit: { kind: { type: 'list', values: ['dev', 'optional', 'peer'], separator: /\n\n/ }, default: [] },
  'omit-lockfile-registry-resolved': bool(false),
  only: { kind: { type: 'one-of', values: ['prod', 'production'] }, default: null },
  optional: bool(null),
  'package-lock': bool(true),
  'prefer-offline': bool(false),
  'prefer-online': bool(false),
  prefix: { kind: { type: 'path' }, default: null },
  production: bool(null),
  proxy: { kind: { type: 'url-or-false' }, default: null },
  registry: { kind: { type: 'url' }, default: 'https://registry.npmjs.org/' },
  'replace-registry-host': { kind: { type: 'string' }, default: 'npmjs' },
  'save-exact': bool(false),
  'save-prefix': { kind: { type: 'string' }, default: '^' },
  'strict-peer-deps': bool(false),
  'strict-ssl': bool(true),
  'user-agent': { kind: { type: 'string' }, default: null },
  userconfig: { kind: { type: 'path' }, default: null },
  yes: bool(null),
}

/** The names of the settings skiff reads. */
export const SKIFF_SETTINGS: readonly string[] = Object.keys(DEFINITIONS)

/** A setting skiff reads (npm's or its own). */
export function isSkiffSetting(key: string): boolean {
  return Object.hasOwn(DEFINITIONS, key)
}

/** The default of a setting skiff reads, or undefined for one it does not. */
export function settingDefault(key: string): Value | undefined {
  return Object.hasOwn(DEFINITIONS, key) ? DEFINITIONS[key]?.default : undefined
}

/** How a setting skiff reads is given as a flag: a switch for booleans, else a value. */
export function skiffSettingKind(key: string): 'switch' | 'value' | undefined {
  const definition = Object.hasOwn(DEFINITIONS, key) ? DEFINITIONS[key] : undefined
  if (definition === undefined) return undefined
  return definition.kind.type === 'boolean' ? 'switch' : 'value'
}

/** What a raw value was, so an error can say "must be a number, got 'abc'". */
export type Coerced = { ok: true; value: Value } | { ok: false; expected: string }

/**
 * Turns the text of one setting into its type. `raw` is a string, `true` for a bare key or
 * a boolean flag, or a list (`key[]=` lines, repeated flags). Paths resolve against
 * `baseDir`, `~/` against `home`.
 */
export function coerceValue(
  kind: Kind,
  raw: string | boolean | string[],
  paths: { baseDir: string; home: string },
): Coerced {
  switch (kind.type) {
    case 'boolean':
      return { ok: true, value: toBoolean(raw) }
    case 'number': {
      const text = Array.isArray(raw) ? raw.at(-1) ?? '' : String(raw).trim()
      const value = Number(text)
      return text !== '' && Number.isFinite(value) ? { ok: true, value } : { ok: false, expected: 'a number' }
    }
    case 'string':
      return { ok: true, value: Array.isArray(raw) ? raw.at(-1) ?? '' : String(raw) }
    case 'path': {
      const text = Array.isArray(raw) ? raw.at(-1) ?? '' : String(raw)
      return { ok: true, value: resolvePath(text.trim(), paths) }
    }
    case 'url':
    case 'url-or-false': {
      const text = Array.isArray(raw) ? raw.at(-1) ?? '' : String(raw).trim()
      if (kind.type === 'url-or-false' && (raw === false || text === 'false')) return { ok: true, value: false }
      if (text === '' || text === 'null') return { ok: true, value: null }
      return isUrl(text) ? { ok: true, value: text } : { ok: false, expected: 'a URL with a host (http://host/ or https://host/)' }
    }
    case 'one-of': {
      const text = Array.isArray(raw) ? raw.at(-1) ?? '' : String(raw).trim()
      if (text === '' || text === 'null') return { ok: true, value: null }
      return kind.values.includes(text) ? { ok: true, value: text } : { ok: false, expected: `one of ${kind.values.join(', ')}` }
    }
    case 'list': {
      const items = (Array.isArray(raw) ? raw : [String(raw)])
        .flatMap((item) => (kind.separator ? item.split(kind.separator) : [item]))
        .map((item) => item.trim())
        .filter((item) => item !== '')
      const allowed = kind.values
      if (allowed && items.some((item) => !allowed.includes(item))) {
        return { ok: false, expected: `a list of ${allowed.join(', ')}` }
      }
      return { ok: true, value: items }
    }
    default: {
      const unknownKind: never = kind
      return unknownKind
    }
  }
}

/** nopt's Boolean: numbers by value, `false`/`null`/`0` are false, anything else is true. */
function toBoolean(raw: string | boolean | string[]): boolean {
  if (typeof raw === 'boolean') return raw
  const text = (Array.isArray(raw) ? raw.at(-1) ?? '' : raw).trim()
  if (text === '') return true
  if (text === 'false' || text === 'null' || text === 'undefined') return false
  const asNumber = Number(text)
  if (!Number.isNaN(asNumber)) return asNumber !== 0
  return true
}

function resolvePath(text: string, paths: { baseDir: string; home: string }): string {
  if (text === '~') return paths.home
  if (text.startsWith('~/')) return path.resolve(paths.home, text.slice(2))
  return path.resolve(paths.baseDir, text)
}

export function isUrl(text: string): boolean {
  try {
    const url = new URL(text)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host !== ''
  } catch {
    return false
  }
}
