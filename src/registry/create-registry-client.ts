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
import { SkiffError } from '../error/index.ts'
import { createFetchWithRetry } from './fetch-with-retry.ts'
import { cacheFile, type CacheEntry, isFresh, maxAgeMs, readCacheEntry, writeCacheEntry } from './packument-cache.ts'
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

export interface RegistryClient {
  tarballUrl(entry: TarballEntry): string
  fetchTarball(request: TarballRequest): Promise<Uint8Array>
  fetchPackument(name: string, options?: { signal?: AbortSignal; fullMetadata?: boolean }): Promise<PackumentResult>
  /**
   * One version's full document (`<registry>/<name>/<version>`): the fields the abbreviated
   * packument lacks (license, libc, funding) at a fraction of a full packument's size. A
   * published version does not change, so a cached copy is used without asking.
   */
  fetchVersionManifest(name: string, version: string, options?: { signal?: AbortSignal }): Promise<PackumentResult>
}

export function createRegistryClient(config: Config, fetchImpl: typeof fetch = fetch): RegistryClient {
  const fetchWithRetry = createFetchWithRetry(config, fetchImpl)

  async function fetchTarball(request: TarballRequest): Promise<Uint8Array> {
    const name = nameOf(request.pkg)
    if (config.offline) {
      throw new SkiffError('ENOTCACHED', `${request.pkg}: not in the cache, and --offline forbids fetching ${stripUrlCredentials(request.url)}`, {
        pkg: request.pkg,
        url: stripUrlCredentials(request.url),
        hint: 'run once online, or drop --offline',
      })
    }
    const result = await fetchWithRetry({
      url: request.url,
      pkg: request.pkg,
      registry: config.registryFor(name),
      // a .tgz is already compressed; asking for identity avoids servers that gzip it again
      headers: { accept: '*/*', 'accept-encoding': 'identity' },
      ...(request.signal === undefined ? {} : { signal: request.signal }),
      ...(request.onProgress === undefined ? {} : { onProgress: request.onProgress }),
    })
    return result.body
  }

  async function fetchPackument(
    name: string,
    options: { signal?: AbortSignal; fullMetadata?: boolean } = {},
  ): Promise<PackumentResult> {
    const registry = config.registryFor(name)
    const url = `${registry}${name.replace('/', '%2f')}`
    const file = cacheFile(config.cache, url, options.fullMetadata ? 'full' : 'corgi')
    const cached = await readCacheEntry(file)
    if (config.offline) {
      if (!cached) {
        throw new SkiffError('ENOTCACHED', `${name}: no cached metadata, and --offline forbids fetching ${stripUrlCredentials(url)}`, {
          pkg: name,
          url: stripUrlCredentials(url),
          hint: 'run once online, or drop --offline',
        })
      }
      return fromCache(cached, name, url)
    }
    if (cached && (config.preferOffline || (!config.preferOnline && isFresh(cached, Date.now())))) {
      return fromCache(cached, name, url)
    }
    const conditional: Record<string, string> = {}
    if (cached?.etag) conditional['if-none-match'] = cached.etag
    if (cached?.lastModified) conditional['if-modified-since'] = cached.lastModified
    const result = await fetchWithRetry({
      url,
      pkg: name,
      registry,
      headers: { accept: options.fullMetadata ? FULL_ACCEPT : CORGI_ACCEPT, ...conditional },
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    })
    const storedAtMs = Date.now()
    const freshFor = maxAgeMs(result.headers.get('cache-control'))
    if (result.status === 304 && cached) {
      // only freshness changes; without a max-age there is nothing worth rewriting
      if (freshFor !== null || cached.maxAgeMs !== null) await writeCacheEntry(file, { ...cached, storedAtMs, maxAgeMs: freshFor })
      return fromCache(cached, name, url)
    }
    const body = new TextDecoder().decode(result.body)
    const packument = parseJson(body, name, url)
    await writeCacheEntry(file, {
      url,
      etag: result.headers.get('etag'),
      lastModified: result.headers.get('last-modified'),
      storedAtMs,
      maxAgeMs: freshFor,
      body,
    })
    return { packument, fromCache: false }
  }

  async function fetchVersionManifest(name: string, version: string, options: { signal?: AbortSignal } = {}): Promise<PackumentResult> {
    const registry = config.registryFor(name)
    const url = `${registry}${name.replace('/', '%2f')}/${encodeURIComponent(version)}`
    const file = cacheFile(config.cache, url, 'version')
    const cached = await readCacheEntry(file)
    if (cached) return fromCache(cached, name, url)
    if (config.offline) {
      throw new SkiffError('ENOTCACHED', `${name}@${version}: no cached metadata, and --offline forbids fetching ${stripUrlCredentials(url)}`, {
        pkg: `${name}@${version}`,
        url: stripUrlCredentials(url),
        hint: 'run once online, or drop --offline',
      })
    }
    const result = await fetchWithRetry({
      url,
      pkg: `${name}@${version}`,
      registry,
      headers: { accept: FULL_ACCEPT },
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    })
    const body = new TextDecoder().decode(result.body)
    const manifest = parseJson(body, name, url)
    await writeCacheEntry(file, { url, etag: null, lastModified: null, storedAtMs: Date.now(), maxAgeMs: null, body })
    return { packument: manifest, fromCache: false }
  }

  return {
    tarballUrl: (entry) => tarballUrl(entry, config),
    fetchTarball,
    fetchPackument,
    fetchVersionManifest,
  }
}

function fromCache(entry: CacheEntry, name: string, url: string): PackumentResult {
  return { packument: parseJson(entry.body, name, url), fromCache: true }
}

function parseJson(body: string, name: string, url: string): unknown {
  try {
    return JSON.parse(body)
  } catch (error) {
    throw new SkiffError('EJSONPARSE', `${name}: the registry sent metadata that is not JSON (${stripUrlCredentials(url)})`, {
      pkg: name,
      url: stripUrlCredentials(url),
      cause: error,
      hint: 'the registry or a proxy in between answered with something else; try again',
    })
  }
}

/** `@scope/name@1.0.0` -> `@scope/name`; `name@1.0.0` -> `name`. */
function nameOf(pkg: string): string {
  const at = pkg.indexOf('@', 1)
  return at === -1 ? pkg : pkg.slice(0, at)
}
