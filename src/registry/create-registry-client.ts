/**
 * The registry client: packuments (corgi or full, through the metadata cache) and tarball
 * bytes, over fetch-with-retry. Built once with the Config and a fetch implementation.
 *
 * Packument cache modes, as npm maps its flags onto make-fetch-happen's cache modes:
 * - offline: only the cache; a miss is ENOTCACHED and the network is never touched
 * - prefer-offline: a cached copy is used without asking, however old
 * - prefer-online: always revalidate
 * - default: a copy within its Cache-Control max-age is used; otherwise revalidate with
 *   If-None-Match / If-Modified-Since, and a 304 serves the cached copy
 */
import { type Config, stripUrlCredentials } from '../config/index.ts'
import { isSkiffError, SkiffError } from '../error/index.ts'
import { createFetchWithRetry, type FetchRequest, type FetchResult } from './fetch-with-retry.ts'
import { cacheSlot, type CacheBody, type CacheEntry, type CacheWrite, isFresh, keepInCache, maxAgeMs, readCacheEntry, writeCacheEntry } from './packument-cache.ts'
import { type TarballEntry, tarballUrl } from './tarball-url.ts'

export const CORGI_ACCEPT = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*'
const FULL_ACCEPT = 'application/json'

export interface TarballRequest {
  url: string
  /** `name@version` (or the name), for messages and to pick the scope's registry */
  pkg: string
  signal?: AbortSignal
  /** called with the byte count of each chunk as it arrives (a retry starts counting again) */
  onProgress?: (bytes: number) => void
}

export interface PackumentResult {
  /** the parsed JSON document, unvalidated */
  packument: unknown
  /** true when no body came over the network (cache used as is, or a 304) */
  fromCache: boolean
}

/**
 * How a packument is kept in the metadata cache: the registry's body made once into what is
 * cached (the whole document, or a reduced form of it, as text or bytes), and read back as the value.
 */
export interface PackumentForm<T> {
  /** names the cached bodies (and their version): bodies of another form are other cache entries */
  name: string
  /**
   * The registry's body as what to cache, kept with keepInCache(write, cached) once it is known
   * to be good (both may happen on another thread). A failure that is not a SkiffError means "not JSON".
   */
  toCached(body: Uint8Array, name: string, write: CacheWrite): CacheBody | Promise<CacheBody>
  /** what toCached made, as the value; a cached body it cannot read is fetched again */
  fromCached(cached: CacheBody, name: string): T
  /** called as a body is asked for over the network, before it comes (a form read on other threads starts them here) */
  expect?(): void
}

export interface PackumentRequestOptions<T = unknown> {
  signal?: AbortSignal
  fullMetadata?: boolean
  /**
   * Called with the cached copy, however old, when it is asked for again over the network: what
   * depends on it can be asked for while the answer is on its way (the answer, not this copy, is the value)
   */
  onStale?: (stale: T) => void
}

const decoder = new TextDecoder()
const textOf = (body: CacheBody): string => (typeof body === 'string' ? body : decoder.decode(body))
const jsonForm = (name: string): PackumentForm<unknown> => ({
  name,
  toCached: (body, _name, write) => {
    const text = decoder.decode(body)
    JSON.parse(text)
    keepInCache(write, text)
    return text
  },
  fromCached: (cached) => JSON.parse(textOf(cached)),
})
/** the registry's document as it was sent, parsed (cache entries named as before forms existed) */
const CORGI_JSON = jsonForm('corgi')
const FULL_JSON = jsonForm('full')

/**
 * One registry request as npm's `--loglevel http` prints it (`GET 200 <url> 12ms (cache miss)`):
 * also the answers the metadata cache gave without asking (`hit`) and the 304s that made a
 * cached copy good again (`revalidated`, with npm's 200).
 */
export interface HttpEvent {
  method: 'GET'
  status: number
  /** without credentials */
  url: string
  elapsedMs: number
  /** the try that answered (1 when no retry was needed) */
  attempt: number
  cache: 'hit' | 'miss' | 'revalidated' | 'updated'
}

export interface RegistryClientHooks {
  onHttp?: (event: HttpEvent) => void
}

export interface RegistryClient {
  tarballUrl(entry: TarballEntry): string
  fetchTarball(request: TarballRequest): Promise<Uint8Array>
  fetchPackument(name: string, options?: { signal?: AbortSignal; fullMetadata?: boolean }): Promise<PackumentResult>
  /** the same, kept and returned in the given form */
  fetchPackumentAs<T>(name: string, form: PackumentForm<T>, options?: PackumentRequestOptions<T>): Promise<{ packument: T; fromCache: boolean }>
  /**
   * One version's full document (`<registry>/<name>/<version>`): the fields the abbreviated
   * packument lacks (license, libc, funding) at a fraction of a full packument's size. A
   * published version does not change, so a cached copy is used without asking.
   */
  fetchVersionManifest(name: string, version: string, options?: { signal?: AbortSignal }): Promise<PackumentResult>
}

export function createRegistryClient(config: Config, fetchImpl: typeof fetch = fetch, hooks: RegistryClientHooks = {}): RegistryClient {
  const fetchWithRetry = createFetchWithRetry(config, fetchImpl)
  const { onHttp } = hooks
  const report = (url: string, startedMs: number, status: number, attempt: number, cache: HttpEvent['cache']): void => {
    onHttp?.({ method: 'GET', status, url: stripUrlCredentials(url), elapsedMs: performance.now() - startedMs, attempt, cache })
  }
  /** fetchWithRetry, the answer (or the status it failed with) reported */
  const fetchReported = async (request: FetchRequest, cached: boolean): Promise<FetchResult> => {
    const startedMs = performance.now()
    try {
      const result = await fetchWithRetry(request)
      const cache = result.status === 304 ? 'revalidated' : cached ? 'updated' : 'miss'
      report(request.url, startedMs, result.status === 304 ? 200 : result.status, result.attempt, cache)
      return result
    } catch (error) {
      const status = isSkiffError(error) ? error.details.status : undefined
      if (typeof status === 'number') report(request.url, startedMs, status, 1, 'miss')
      throw error
    }
  }

  async function fetchTarball(request: TarballRequest): Promise<Uint8Array> {
    const name = nameOf(request.pkg)
    if (config.offline) {
      throw new SkiffError('ENOTCACHED', `${request.pkg}: not in the cache, and --offline forbids fetching ${stripUrlCredentials(request.url)}`, {
        pkg: request.pkg,
        url: stripUrlCredentials(request.url),
        hint: 'run once online, or drop --offline',
      })
    }
    const result = await fetchReported({
      url: request.url,
      pkg: request.pkg,
      registry: config.registryFor(name),
      // a .tgz is already compressed; asking for identity avoids servers that gzip it again
      headers: { accept: '*/*', 'accept-encoding': 'identity' },
      ...(request.signal === undefined ? {} : { signal: request.signal }),
      ...(request.onProgress === undefined ? {} : { onProgress: request.onProgress }),
    }, false)
    return result.body
  }

  async function fetchPackument(name: string, options: { signal?: AbortSignal; fullMetadata?: boolean } = {}): Promise<PackumentResult> {
    return fetchPackumentAs(name, options.fullMetadata ? FULL_JSON : CORGI_JSON, options)
  }

  async function fetchPackumentAs<T>(
    name: string,
    form: PackumentForm<T>,
    options: PackumentRequestOptions<T> = {},
  ): Promise<{ packument: T; fromCache: boolean }> {
    const registry = config.registryFor(name)
    const url = `${registry}${name.replace('/', '%2f')}`
    const startedMs = performance.now()
    const slot = cacheSlot(config.cache, url, form.name)
    const cached = readCacheEntry(slot)
    // a cached body that cannot be read any more (damaged, another format) is a miss; it is read
    // once (the copy handed to onStale is the value a 304 serves)
    let decoded: { value: T | undefined } | undefined
    const readCached = (): T | undefined => {
      if (!cached) return undefined
      if (decoded === undefined) {
        let value: T | undefined
        try {
          value = form.fromCached(cached.body, name)
        } catch {
          value = undefined
        }
        decoded = { value }
      }
      return decoded.value
    }
    if (config.offline) {
      const value = readCached()
      if (value === undefined) {
        throw new SkiffError('ENOTCACHED', `${name}: no cached metadata, and --offline forbids fetching ${stripUrlCredentials(url)}`, {
          pkg: name,
          url: stripUrlCredentials(url),
          hint: 'run once online, or drop --offline',
        })
      }
      report(url, startedMs, 200, 1, 'hit')
      return { packument: value, fromCache: true }
    }
    if (cached && (config.preferOffline || (!config.preferOnline && isFresh(cached, Date.now())))) {
      const value = readCached()
      if (value !== undefined) {
        report(url, startedMs, 200, 1, 'hit')
        return { packument: value, fromCache: true }
      }
    }
    const request = (conditional: Record<string, string>) => fetchReported({
      url,
      pkg: name,
      registry,
      headers: { accept: options.fullMetadata ? FULL_ACCEPT : CORGI_ACCEPT, ...conditional },
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    }, cached !== undefined)
    const conditional: Record<string, string> = {}
    if (cached?.etag) conditional['if-none-match'] = cached.etag
    if (cached?.lastModified) conditional['if-modified-since'] = cached.lastModified
    const answer = request(conditional)
    form.expect?.()
    if (cached && options.onStale) {
      const stale = readCached()
      try {
        if (stale !== undefined) options.onStale(stale)
      } catch {
        // what is asked for early is asked for again when needed; its failure is reported then
      }
    }
    let result = await answer
    if (result.status === 304 && cached) {
      const value = readCached()
      const freshFor = maxAgeMs(result.headers.get('cache-control'))
      if (value !== undefined) {
        // only freshness changes; without a max-age there is nothing worth rewriting
        if (freshFor !== null || cached.maxAgeMs !== null) writeCacheEntry(slot, { ...cached, storedAtMs: Date.now(), maxAgeMs: freshFor })
        return { packument: value, fromCache: true }
      }
      result = await request({})
    }
    const entry = {
      url,
      etag: result.headers.get('etag'),
      lastModified: result.headers.get('last-modified'),
      storedAtMs: Date.now(),
      maxAgeMs: maxAgeMs(result.headers.get('cache-control')),
    }
    const { body } = result
    const kept = await fromBody(() => form.toCached(body, name, { slot, entry }), name, url)
    const packument = await fromBody(() => form.fromCached(kept, name), name, url)
    return { packument, fromCache: false }
  }

  async function fetchVersionManifest(name: string, version: string, options: { signal?: AbortSignal } = {}): Promise<PackumentResult> {
    const registry = config.registryFor(name)
    const url = `${registry}${name.replace('/', '%2f')}/${encodeURIComponent(version)}`
    const slot = cacheSlot(config.cache, url, 'version')
    const startedMs = performance.now()
    const cached = readCacheEntry(slot)
    if (cached) {
      const result = fromCache(cached, name, url)
      report(url, startedMs, 200, 1, 'hit')
      return result
    }
    if (config.offline) {
      throw new SkiffError('ENOTCACHED', `${name}@${version}: no cached metadata, and --offline forbids fetching ${stripUrlCredentials(url)}`, {
        pkg: `${name}@${version}`,
        url: stripUrlCredentials(url),
        hint: 'run once online, or drop --offline',
      })
    }
    const result = await fetchReported({
      url,
      pkg: `${name}@${version}`,
      registry,
      headers: { accept: FULL_ACCEPT },
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    }, false)
    const body = decoder.decode(result.body)
    const manifest = parseJson(body, name, url)
    writeCacheEntry(slot, { url, etag: null, lastModified: null, storedAtMs: Date.now(), maxAgeMs: null, body })
    return { packument: manifest, fromCache: false }
  }

  return {
    tarballUrl: (entry) => tarballUrl(entry, config),
    fetchTarball,
    fetchPackument,
    fetchPackumentAs,
    fetchVersionManifest,
  }
}

function fromCache(entry: CacheEntry, name: string, url: string): PackumentResult {
  return { packument: parseJson(textOf(entry.body), name, url), fromCache: true }
}

/** What a form makes of a body, its failures as the registry's fault: EJSONPARSE unless it named its own error. */
async function fromBody<T>(make: () => T | Promise<T>, name: string, url: string): Promise<T> {
  try {
    return await make()
  } catch (error) {
    if (error instanceof SkiffError) throw error
    throw notJson(name, url, error)
  }
}

function parseJson(body: string, name: string, url: string): unknown {
  try {
    return JSON.parse(body)
  } catch (error) {
    throw notJson(name, url, error)
  }
}

function notJson(name: string, url: string, error: unknown): SkiffError {
  return new SkiffError('EJSONPARSE', `${name}: the registry sent metadata that is not JSON (${stripUrlCredentials(url)})`, {
    pkg: name,
    url: stripUrlCredentials(url),
    cause: error,
    hint: 'the registry or a proxy in between answered with something else; try again',
  })
}

/** `@scope/name@1.0.0` -> `@scope/name`; `name@1.0.0` -> `name`. */
function nameOf(pkg: string): string {
  const at = pkg.indexOf('@', 1)
  return at === -1 ? pkg : pkg.slice(0, at)
}
