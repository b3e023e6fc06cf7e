/**
 * Layers -> one frozen Config. Pure: the loader reads the files (and `cafile`) and hands
 * their contents in. Precedence, lowest first: defaults, global, user, project, env, flags.
 */
import path from 'node:path'
import { SkiffError } from '../error/index.ts'
import { authHeaders, basicCredentials, matchAuth } from './auth.ts'
import type { Config, DependencyType, LogLevel } from './config.ts'
import { DEFINITIONS, type Value } from './definitions.ts'
import type { Layer, Setting } from './layers.ts'
import { nerfDart } from './nerf-dart.ts'
import { createRedact } from './redact.ts'
import { exportedSettings, exportedString, PRIVATE_KEY } from './exported-settings.ts'

export interface BuildContext {
  env: Record<string, string | undefined>
  home: string
  cwd: string
  projectDir: string
  /** `-g`: the project is the global folder */
  global?: boolean
  /** where global packages go (`<globalPrefix>/lib/node_modules`, bins in `<globalPrefix>/bin`) */
  globalPrefix?: string
  files: string[]
  /** contents of the `cafile`, when one is configured and readable */
  cafileText?: string
  /** skiff's version, for the default user agent */
  version?: string
  /** the global and user .npmrc paths looked at (npm passes them to scripts) */
  npmrcPaths?: { global: string; user: string; project?: string }
}

/** The winning setting for each key. */
export function mergeLayers(layers: readonly Layer[]): Map<string, Setting> {
  const merged = new Map<string, Setting>()
  for (const layer of layers) for (const setting of layer.settings) merged.set(setting.key, setting)
  return merged
}

const SCOPE_REGISTRY = /^(@[^:]+):registry$/i
const SECRET_KEY = /(^|:)(_authToken|_authtoken|_auth|_password)$/

export function buildConfig(layers: readonly Layer[], context: BuildContext): Config {
  const merged = mergeLayers(layers)
  const get = (key: string): Value => (merged.has(key) ? merged.get(key)?.value ?? null : DEFINITIONS[key]?.default ?? null)
  const registry = normaliseRegistry(String(get('registry')))
  rejectLegacyAuth(layers, registry)

  const scopeRegistries = new Map<string, string>()
  const credentials = new Map<string, string>()
  for (const [key, setting] of merged) {
    const scope = SCOPE_REGISTRY.exec(key)?.[1]
    if (scope) scopeRegistries.set(scope, normaliseRegistry(String(setting.value)))
    if (key.startsWith('//') && typeof setting.value === 'string') credentials.set(key, setting.value)
  }
  const registryFor = (name: string): string => {
    const scope = name.startsWith('@') ? name.slice(0, name.indexOf('/')) : undefined
    return (scope === undefined ? undefined : scopeRegistries.get(scope)) ?? registry
  }
  const redact = createRedact(secretsOf(layers, credentials))
  const bool = (key: string): boolean => get(key) === true
  const num = (key: string): number => Number(get(key))
  const str = (key: string): string | null => {
    const value = get(key)
    return typeof value === 'string' && value !== '' ? value : null
  }
  const { omit, include } = omitAndInclude(get, context.env)
  const proxy = get('proxy')
  const agent = userAgent(str('user-agent'), context.version)

  const config: Config = {
    projectDir: context.projectDir,
    global: context.global === true,
    globalPrefix: context.globalPrefix ?? path.join(context.home, '.skiff'),
    registry,
    scopeRegistries,
    cache: cacheDir(merged, context),
    omit,
    include,
    ignoreScripts: bool('ignore-scripts'),
    strictSsl: bool('strict-ssl'),
    ca: [...listValue(get('ca')), ...splitCertificates(context.cafileText ?? '')],
    proxy: proxy === false ? false : str('proxy'),
    httpsProxy: str('https-proxy'),
    proxyEnv: proxyEnvironment(context.env),
    noproxy: noProxy(listValue(get('noproxy')), context.env),
    replaceRegistryHost: str('replace-registry-host') ?? 'npmjs',
    omitLockfileRegistryResolved: bool('omit-lockfile-registry-resolved'),
    fetchRetries: num('fetch-retries'),
    fetchRetryFactor: num('fetch-retry-factor'),
    fetchRetryMintimeout: num('fetch-retry-mintimeout'),
    fetchRetryMaxtimeout: num('fetch-retry-maxtimeout'),
    fetchTimeout: num('fetch-timeout'),
    lockTimeout: num('lock-timeout'),
    maxUnpackedBytes: num('max-unpacked-bytes'),
    nativeIo: bool('native-io'),
    preferOffline: bool('prefer-offline'),
    preferOnline: bool('prefer-online'),
    offline: bool('offline'),
    loglevel: (str('loglevel') ?? 'notice') as LogLevel,
    legacyPeerDeps: bool('legacy-peer-deps'),
    engineStrict: bool('engine-strict'),
    force: bool('force'),
    strictPeerDeps: bool('strict-peer-deps'),
    packageLock: bool('package-lock'),
    saveExact: bool('save-exact'),
    savePrefix: str('save-prefix') ?? '^',
    userAgent: agent,
    yes: typeof get('yes') === 'boolean' ? (get('yes') as boolean) : null,
    raw: Object.freeze(rawSettings(merged, get)),
    exported: Object.freeze(exportedSettings(layers, {
      home: context.home,
      globalconfig: context.npmrcPaths?.global ?? '',
      userconfig: context.npmrcPaths?.user ?? path.join(context.home, '.npmrc'),
      globalPrefix: context.globalPrefix ?? path.join(context.home, '.skiff'),
      userAgent: agent,
    })),
    files: Object.freeze([...context.files]),
    npmrcFiles: Object.freeze({ ...(context.npmrcPaths ?? { global: '', user: path.join(context.home, '.npmrc') }) }),
    sources: Object.freeze(layers.map(sourceOf)),
    warnings: Object.freeze(layers.flatMap((layer) => layer.warnings)),
    registryFor,
    authFor: (url, packageRegistry = registry) => authHeaders(matchAuth(url, packageRegistry, credentials), credentials),
    authKeyFor: (url, packageRegistry = registry) => {
      const match = matchAuth(url, packageRegistry, credentials)
      return match ? `${match.prefix}:${match.kind}` : `${nerfDart(packageRegistry)}:_authToken`
    },
    redact,
  }
  return Object.freeze(config)
}

/** A layer as `config list` shows it: credentials as npm shows them, "(protected)". */
function sourceOf(layer: Layer): Config['sources'][number] {
  const settings = layer.settings.map(({ key, value }) => ({ key, value: SECRET_KEY.test(key) ? '(protected)' : value }))
  return Object.freeze({ origin: layer.origin, ...(layer.file === undefined ? {} : { file: layer.file }), settings: Object.freeze(settings) })
}

/** One trailing slash, as arborist normalises `registry`. */
export function normaliseRegistry(url: string): string {
  return `${url.replace(/\/+$/, '')}/`
}

function rejectLegacyAuth(layers: readonly Layer[], registry: string): void {
  const found = layers.flatMap((layer) => layer.legacyAuth)
  const first = found[0]
  if (!first) return
  const renameTo = (key: string): string =>
    `${nerfDart(registry)}:${key === '_authtoken' || key === '-authtoken' ? '_authToken' : key}`
  const lines = found.map(({ key, where }) => `${where}: "${key}" must be renamed to "${renameTo(key)}"`)
  throw new SkiffError('ECONFIG', `${first.where}: "${first.key}" is not allowed at the top level of an .npmrc`, {
    file: first.where.replace(/:\d+$/, ''),
    hint: `credentials must name their registry: rename it to "${renameTo(first.key)}" (npm refuses this too, with ERR_INVALID_AUTH)`,
    lines,
  })
}

function secretsOf(layers: readonly Layer[], credentials: ReadonlyMap<string, string>): string[] {
  const secrets: string[] = []
  for (const layer of layers) {
    for (const setting of layer.settings) {
      if (SECRET_KEY.test(setting.key) && typeof setting.value === 'string') secrets.push(setting.value)
    }
  }
  for (const [key, value] of credentials) {
    if (!key.endsWith(':_password')) continue
    const prefix = key.slice(0, -':_password'.length)
    const username = credentials.get(`${prefix}:username`)
    secrets.push(Buffer.from(value, 'base64').toString('utf8'))
    if (username) secrets.push(basicCredentials(username, value))
  }
  return secrets
}

/**
 * npm's omit list (@npmcli/config definitions, buildOmitList): `omit` as set, or `dev` when
 * NODE_ENV=production and `omit` is not set; `production`/`only=prod` add dev; `include`,
 * `dev`, `also=dev`, `production=false` and `optional=true` take types back out.
 */
function omitAndInclude(
  get: (key: string) => Value,
  env: Record<string, string | undefined>,
): { omit: ReadonlySet<DependencyType>; include: ReadonlySet<DependencyType | 'prod'> } {
  const explicitOmit = get('omit')
  const omitted = Array.isArray(explicitOmit) && explicitOmit.length > 0
    ? [...explicitOmit]
    : env.NODE_ENV === 'production' ? ['dev'] : []
  const included = [...listValue(get('include'))]
  const only = get('only')
  const production = get('production')
  if ((typeof only === 'string' && /^prod(uction)?$/.test(only)) || production === true) omitted.push('dev')
  else if (production === false) included.push('dev')
  const also = get('also')
  if (typeof also === 'string' && also.startsWith('dev')) included.push('dev')
  if (get('dev') === true) included.push('dev')
  const optional = get('optional')
  if (optional === false) omitted.push('optional')
  else if (optional === true) included.push('optional')
  const omit = new Set(omitted.filter((type) => !included.includes(type)) as DependencyType[])
  return { omit, include: new Set(included as Array<DependencyType | 'prod'>) }
}

/**
 * skiff's cache is its own layout (DESIGN section 4), not npm's `_cacache`, so npm's `cache`
 * setting in .npmrc and npm_config_cache are not used: only the `--cache` flag.
 */
function cacheDir(merged: ReadonlyMap<string, Setting>, context: BuildContext): string {
  const flag = merged.get('cache')
  if (flag && flag.where === '--cache' && typeof flag.value === 'string') return flag.value
  const { SKIFF_CACHE_DIR, XDG_CACHE_HOME } = context.env
  if (SKIFF_CACHE_DIR) return path.resolve(context.cwd, SKIFF_CACHE_DIR)
  if (XDG_CACHE_HOME) return path.resolve(context.cwd, XDG_CACHE_HOME, 'skiff')
  return path.join(context.home, '.cache', 'skiff')
}

function listValue(value: Value): string[] {
  if (Array.isArray(value)) return value
  return typeof value === 'string' && value !== '' ? [value] : []
}

/** A PEM bundle split into one string per certificate, as npm's `cafile` does. */
function splitCertificates(text: string): string[] {
  const end = '-----END CERTIFICATE-----'
  return text
    .replace(/\r\n/g, '\n')
    .split(end)
    .filter((part) => part.trim() !== '')
    .map((part) => `${part.trimStart()}${end}`)
}

function envAnyCase(env: Record<string, string | undefined>, name: string): string | null {
  for (const [key, value] of Object.entries(env)) {
    if (key.toLowerCase() === name && value) return value
  }
  return null
}

function proxyEnvironment(env: Record<string, string | undefined>): Config['proxyEnv'] {
  return Object.freeze({
    httpsProxy: envAnyCase(env, 'https_proxy'),
    httpProxy: envAnyCase(env, 'http_proxy') ?? envAnyCase(env, 'proxy'),
  })
}

function noProxy(configured: string[], env: Record<string, string | undefined>): readonly string[] {
  const list = configured.length > 0 ? configured : (envAnyCase(env, 'no_proxy') ?? '').split(',')
  return Object.freeze(list.map((host) => host.trim()).filter((host) => host !== ''))
}

function userAgent(configured: string | null, version = '0.0.0'): string {
  const template = configured ?? 'skiff/{skiff-version} bun/{bun-version} {platform} {arch} workspaces/{workspaces} {ci}'
  return template
    .replace(/\{(skiff|npm)-version\}/gi, version)
    .replace(/\{(bun|node)-version\}/gi, Bun.version)
    .replace(/\{platform\}/gi, process.platform)
    .replace(/\{arch\}/gi, process.arch)
    .replace(/\{workspaces\}/gi, 'false')
    .replace(/\{ci\}/gi, '')
    .trim()
}

function rawSettings(merged: ReadonlyMap<string, Setting>, get: (key: string) => Value): Record<string, string> {
  const raw: Record<string, string> = {}
  const keys = new Set([...Object.keys(DEFINITIONS), ...merged.keys()])
  for (const key of [...keys].sort()) {
    if (PRIVATE_KEY.test(key)) continue
    raw[key] = exportedString(get(key))
  }
  return raw
}

