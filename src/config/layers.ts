/**
 * The sources of settings, each turned into a layer of typed settings: an .npmrc text,
 * the `npm_config_*` environment, and command-line flags. `${VAR}` is expanded in keys and
 * values, values are coerced to their key's type, and anything unreadable is an ECONFIG
 * error that names where it came from (file and line, variable, or flag).
 */
import { SkiffError } from '../error/index.ts'
import { coerceValue, DEFINITIONS, isUrl, type Value } from './definitions.ts'
import { expandEnv } from './expand-env.ts'
import { parseNpmrc } from './parse-npmrc.ts'

export type Origin = 'global' | 'user' | 'project' | 'env' | 'flags'

export interface Setting {
  key: string
  value: Value
  /** where it was set, for messages: `/p/.npmrc:3`, `npm_config_registry`, `--registry` */
  where: string
}

export interface Layer {
  origin: Origin
  /** the .npmrc file, for file layers */
  file?: string
  settings: Setting[]
  warnings: string[]
  /** top-level credentials found in an .npmrc (npm 9+ refuses them): key and where */
  legacyAuth: Array<{ key: string; where: string }>
}

export interface LayerContext {
  env: Record<string, string | undefined>
  home: string
  /** relative paths in this layer resolve against it */
  baseDir: string
}

/** Top-level keys npm 9+ refuses in .npmrc files: they must be scoped to a registry. */
const LEGACY_AUTH_KEYS = new Set(['_auth', '_authToken', '_authtoken', '-authtoken', '_password', 'username'])
const SCOPE_REGISTRY = /^@[^:]+:registry$/i

export function layerFromNpmrc(
  text: string,
  file: string,
  origin: 'global' | 'user' | 'project',
  context: LayerContext,
): Layer {
  const warnings: string[] = []
  const legacyAuth: Layer['legacyAuth'] = []
  const collected = new Map<string, { raw: string | true | string[]; line: number }>()
  for (const entry of parseNpmrc(text, file)) {
    if (entry.section !== undefined) {
      warnings.push(`${file}:${entry.line}: "${entry.key}" is inside [${entry.section}] and is ignored, as npm does`)
      continue
    }
    const key = expandWithWarning(entry.key, context.env, `${file}:${entry.line}`, warnings)
    if (LEGACY_AUTH_KEYS.has(key)) {
      legacyAuth.push({ key, where: `${file}:${entry.line}` })
      continue
    }
    const value = entry.value === true ? 'true' : entry.value
    const previous = collected.get(key)?.raw
    const isList = entry.isList || Array.isArray(previous)
    const raw = !isList ? entry.value : [...listOf(previous), value]
    collected.set(key, { raw, line: entry.line })
  }
  const settings = [...collected].map(([key, { raw, line }]) =>
    makeSetting(key, raw, `${file}:${line}`, context, warnings, file),
  )
  return { origin, file, settings, warnings, legacyAuth }
}

function listOf(previous: string | true | string[] | undefined): string[] {
  if (previous === undefined) return []
  if (previous === true) return ['true']
  return Array.isArray(previous) ? previous : [previous]
}

/** `npm_config_*` variables (any case); `_` becomes `-` except at the start; `//` keys kept as is. */
export function layerFromEnv(context: LayerContext): Layer {
  const warnings: string[] = []
  const settings: Setting[] = []
  for (const [name, text] of Object.entries(context.env)) {
    if (!/^npm_config_/i.test(name) || text === undefined || text === '') continue
    const rest = name.slice('npm_config_'.length)
    const key = rest.startsWith('//') ? rest : rest.replace(/(?!^)_/g, '-').toLowerCase()
    if (LEGACY_AUTH_KEYS.has(key)) {
      warnings.push(`${name} is ignored: credentials must be scoped to a registry, as //host/:${key.replace(/^-/, '_')}`)
      continue
    }
    settings.push(makeSetting(key, text, name, context, warnings))
  }
  return { origin: 'env', settings, warnings, legacyAuth: [] }
}

/** Flags as parsed by the CLI: kebab-case or camelCase names; undefined means not given. */
export function layerFromFlags(
  flags: Record<string, string | boolean | string[] | undefined>,
  context: LayerContext,
): Layer {
  const warnings: string[] = []
  const settings: Setting[] = []
  for (const [name, raw] of Object.entries(flags)) {
    if (raw === undefined) continue
    const key = name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)
    if (LEGACY_AUTH_KEYS.has(key)) {
      warnings.push(`--${key} is ignored: credentials must be scoped to a registry, as //host/:${key}`)
      continue
    }
    settings.push(makeSetting(key, raw, `--${key}`, context, warnings))
  }
  return { origin: 'flags', settings, warnings, legacyAuth: [] }
}

function makeSetting(
  key: string,
  raw: string | boolean | string[],
  where: string,
  context: LayerContext,
  warnings: string[],
  file?: string,
): Setting {
  const expanded = typeof raw === 'boolean'
    ? raw
    : Array.isArray(raw)
      ? raw.map((item) => expandWithWarning(item, context.env, where, warnings))
      : expandWithWarning(raw, context.env, where, warnings)
  const fail = (expected: string): never => {
    throw new SkiffError('ECONFIG', `${where}: ${key} must be ${expected}, got ${describe(key, expanded)}`, {
      ...(file === undefined ? {} : { file }),
      hint: 'fix the value, or remove the setting to use the default',
    })
  }
  if (SCOPE_REGISTRY.test(key)) {
    const text = Array.isArray(expanded) ? expanded.at(-1) ?? '' : String(expanded).trim()
    if (!isUrl(text)) fail('a URL with a host (http://host/ or https://host/)')
    return { key, value: text, where }
  }
  const definition = DEFINITIONS[key]
  if (!definition) {
    return { key, value: Array.isArray(expanded) ? expanded : String(expanded), where }
  }
  const coerced = coerceValue(definition.kind, expanded, { baseDir: context.baseDir, home: context.home })
  if (!coerced.ok) fail(coerced.expected)
  return { key, value: coerced.ok ? coerced.value : null, where }
}

/** Quotes the value for a message, unless the key holds a credential. */
function describe(key: string, value: string | boolean | string[]): string {
  if (/(_authToken|_auth|_password|token)$/i.test(key)) return '(hidden)'
  return JSON.stringify(value)
}

function expandWithWarning(
  text: string,
  env: Record<string, string | undefined>,
  where: string,
  warnings: string[],
): string {
  const expansion = expandEnv(text, env)
  for (const name of expansion.unset) {
    warnings.push(`${where}: \${${name}} is not set and is kept as written (use \${${name}?} for an empty default)`)
  }
  return expansion.text
}
