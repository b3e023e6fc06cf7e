/**
 * The settings npm passes to lifecycle scripts as `npm_config_<key>` (@npmcli/config set-envs),
 * so that a script branching on one sees what it would see under npm:
 *  - only settings whose value differs from npm's default; one the environment already carries
 *    (set by `npm_config_*` and not overridden by a flag) is left to inheritance, and one a flag
 *    puts back to its default over the environment's value is passed;
 *  - `false` and null as '', lists joined by a blank line, true as 'true';
 *  - never keys starting with `/`, `@` or `_` (nor anything naming a credential), the deprecated
 *    ones, nor those npm does not export (workspace, workspaces, if-present,
 *    include-workspace-root, min-release-age*);
 *  - the paths npm resolves when it loads its config are always passed (their defaults are
 *    templates such as `~/.npm`): cache (npm's own, `~/.npm` unless set), globalconfig,
 *    userconfig, prefix, init-module; so are the user agent, and noproxy and allow-scripts (''
 *    unless set), as npm 11.19 passes them.
 * Keys skiff does not type are read as npm types them where it matters: npm's switches are
 * booleans (`fund=false` passes ''), with npm's defaults (fund, audit, ... are on by default).
 */
import path from 'node:path'
import { coerceValue, DEFINITIONS, type Value } from './definitions.ts'
import type { Layer } from './layers.ts'
import { NPM_FLAGS } from './npm-keys.ts'

export interface ExportContext {
  home: string
  /** the global and user .npmrc paths, found or not */
  globalconfig: string
  userconfig: string
  /** npm's prefix: where global packages go */
  globalPrefix: string
  userAgent: string
}

/** keys left out: npm's rule (leading `/`, `@`, `_`) plus anything naming a credential */
export const PRIVATE_KEY = /^[/@_]|(^|[:-])(auth|authtoken|password|username|email|otp|token|certfile|keyfile)$/i

const NOT_EXPORTED = new Set([
  'if-present', 'include-workspace-root', 'min-release-age', 'min-release-age-exclude', 'workspace', 'workspaces',
  // deprecated
  'also', 'cache-max', 'cache-min', 'cert', 'dev', 'global-style', 'init.author.email', 'init.author.name',
  'init.author.url', 'init.license', 'init.module', 'init.version', 'key', 'legacy-bundling', 'only', 'optional',
  'production', 'shrinkwrap',
])

/** npm's switches that are on unless turned off */
const ON_BY_DEFAULT = new Set([
  'audit', 'bin-links', 'color', 'commit-hooks', 'description', 'format-package-lock', 'fund', 'git-tag-version',
  'package-lock', 'allow-scripts-pin', 'rebuild-bundle', 'save', 'shrinkwrap', 'strict-ssl', 'unicode',
  'update-notifier', 'workspaces-update',
])

export function exportedSettings(layers: readonly Layer[], context: ExportContext): Record<string, string> {
  const computed: Record<string, Value> = {
    cache: path.join(context.home, '.npm'),
    globalconfig: context.globalconfig,
    userconfig: context.userconfig,
    prefix: context.globalPrefix,
    'init-module': path.join(context.home, '.npm-init.js'),
    'user-agent': context.userAgent,
    noproxy: '',
    'allow-scripts': '',
  }
  const winning = new Map<string, Value>()
  const fromEnv = new Map<string, Value>()
  const fromFlags = new Set<string>()
  for (const layer of layers) {
    for (const setting of layer.settings) {
      if (PRIVATE_KEY.test(setting.key) || NOT_EXPORTED.has(setting.key)) continue
      const value = typed(setting.key, setting.value)
      winning.set(setting.key, value)
      if (layer.origin === 'env') fromEnv.set(setting.key, value)
      if (layer.origin === 'flags') fromFlags.add(setting.key)
    }
  }
  const exported: Record<string, string> = {}
  for (const [key, value] of winning) {
    const setByEnv = fromEnv.has(key)
    if (key in computed || !isSame(value, defaultOf(key))) {
      // the environment carries it to the script already
      if (setByEnv && !fromFlags.has(key)) continue
    } else if (!setByEnv || isSame(fromEnv.get(key) ?? null, value)) continue
    exported[key] = exportedString(value)
  }
  for (const [key, value] of Object.entries(computed)) if (!winning.has(key)) exported[key] = exportedString(value)
  return Object.fromEntries(Object.entries(exported).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/** A value as npm types it: skiff's definitions, else npm's switches as booleans, else as written. */
function typed(key: string, value: Value): Value {
  if (DEFINITIONS[key] !== undefined || NPM_FLAGS.get(key) !== 'switch') return value
  if (typeof value === 'boolean') return value
  const coerced = coerceValue({ type: 'boolean' }, typeof value === 'number' ? String(value) : value ?? '', { baseDir: '', home: '' })
  return coerced.ok ? coerced.value : value
}

function defaultOf(key: string): Value | undefined {
  const definition = DEFINITIONS[key]
  if (definition !== undefined) return definition.default
  if (NPM_FLAGS.get(key) === 'switch') return ON_BY_DEFAULT.has(key)
  return undefined
}

function isSame(value: Value, fallback: Value | undefined): boolean {
  if (fallback === undefined) return false
  if (Array.isArray(value) && Array.isArray(fallback)) return value.length === fallback.length && value.every((item, index) => item === fallback[index])
  return value === fallback
}

/** npm's set-envs: lists joined by a blank line, false and null as ''. */
export function exportedString(value: Value): string {
  if (Array.isArray(value)) return value.join('\n\n')
  if (value === null || value === false) return ''
  return String(value)
}
