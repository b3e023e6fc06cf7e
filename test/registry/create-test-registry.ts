/**
 * The fixture registry every integration test runs against: Bun.serve on 127.0.0.1 with an
 * ephemeral port, serving packuments (full or corgi, by Accept) and tarballs built from
 * package definitions, with real integrity. Every request is recorded. Faults can be
 * injected per path. A request the registry does not understand answers 418 and is kept in
 * `unexpected`, so a test that makes one fails loudly.
 */
import { createHash } from 'node:crypto'
import {
  type BuiltVersion,
  buildPackuments,
  buildVersion,
  escapedName,
  type PackageDef,
  tarballPathOf,
} from './package-def.ts'

export interface RecordedRequest {
  method: string
  /** path and query, as sent (`/@scope%2fname`, `/a/-/a-1.0.0.tgz`) */
  url: string
  /** the path with %-escapes decoded (`/@scope/name`) */
  path: string
  /** lower-case header names */
  headers: Record<string, string>
}

export type Fault = (
  | { status: number; body?: string; headers?: Record<string, string> }
  | { delayMs: number }
  /** answered once this settles (a test opens it when the requests it waits for have all come) */
  | { until: Promise<unknown> }
  | { truncateAt: number }
  | { wrongBytes: true }
  | { stallAfterBytes: number }
  | { reset: true }
) & {
  /** how many matching requests get the fault; default: all of them */
  times?: number
}

/** A path (compared after decoding %-escapes, without query), a pattern over it, or a predicate. */
export type FaultMatcher = string | RegExp | ((request: RecordedRequest) => boolean)

export interface TestRegistry extends AsyncDisposable {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string
  readonly port: number
  readonly requests: RecordedRequest[]
  /** requests answered 418 */
  readonly unexpected: RecordedRequest[]
  add(...defs: PackageDef[]): void
  /** `/name/-/name-1.0.0.tgz` (scoped: `/@s/name/-/name-1.0.0.tgz`) */
  tarballPath(name: string, version: string): string
  tarballUrl(name: string, version: string): string
  /** `/name` or `/@scope%2fname` */
  packumentPath(name: string): string
  /** sha512 SRI of the bytes served for that version */
  integrity(name: string, version: string): string
  /** sha1 hex of the bytes served */
  shasum(name: string, version: string): string
  tarballBytes(name: string, version: string): Uint8Array
  /** the full packument */
  packument(name: string): Record<string, unknown>
  fault(matcher: FaultMatcher, fault: Fault): void
  clearFaults(): void
  close(): Promise<void>
}

const BASE_TIME = Date.parse('2020-01-01T00:00:00.000Z')
const CORGI_TYPE = 'application/vnd.npm.install-v1+json'

export async function createTestRegistry(options: { packages?: PackageDef[] } = {}): Promise<TestRegistry> {
  const packages = new Map<string, Map<string, BuiltVersion>>()
  const faults: Array<{ matcher: FaultMatcher; fault: Fault; left: number }> = []
  const requests: RecordedRequest[] = []
  const unexpected: RecordedRequest[] = []
  let added = 0

  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    idleTimeout: 0,
    fetch: (request) => handle(request),
  })
  const url = `http://127.0.0.1:${server.port}/`

  const versionOf = (name: string, version: string): BuiltVersion => {
    const built = packages.get(name)?.get(version)
    if (!built) throw new Error(`fixture registry has no ${name}@${version}`)
    return built
  }

  async function handle(request: Request): Promise<Response> {
    const parsed = new URL(request.url)
    const recorded: RecordedRequest = {
      method: request.method,
      url: parsed.pathname + parsed.search,
      path: safeDecode(parsed.pathname),
      headers: Object.fromEntries([...request.headers].map(([key, value]) => [key.toLowerCase(), value])),
    }
    requests.push(recorded)
    const fault = takeFault(recorded)
    if (fault && 'status' in fault) {
      return new Response(fault.body ?? '', { status: fault.status, headers: fault.headers ?? {} })
    }
    if (fault && 'delayMs' in fault) await Bun.sleep(fault.delayMs)
    if (fault && 'until' in fault) await fault.until
    const response = route(request, recorded)
    return fault ? applyBodyFault(response, fault) : response
  }

  function takeFault(request: RecordedRequest): Fault | undefined {
    const found = faults.find((entry) => entry.left > 0 && matches(entry.matcher, request))
    if (!found) return undefined
    found.left -= 1
    return found.fault
  }

  function route(request: Request, recorded: RecordedRequest): Response {
    if (request.method !== 'GET' && request.method !== 'HEAD') return teapot(recorded)
    const tarball = /^\/((?:@[^/]+\/)?[^/@][^/]*)\/-\/([^/]+)\.tgz$/.exec(recorded.path)
    if (tarball) return serveTarball(tarball[1] ?? '', tarball[2] ?? '')
    const packument = /^\/((?:@[^/]+\/)?[^/@][^/]*)$/.exec(recorded.path)
    if (packument) return servePackument(request, packument[1] ?? '')
    const versionDoc = /^\/((?:@[^/]+\/)?[^/@][^/]*)\/([^/]+)$/.exec(recorded.path)
    if (versionDoc) return serveVersion(versionDoc[1] ?? '', versionDoc[2] ?? '')
    return teapot(recorded)
  }

  function teapot(recorded: RecordedRequest): Response {
    unexpected.push(recorded)
    return new Response(`fixture registry: unexpected ${recorded.method} ${recorded.url}\n`, { status: 418 })
  }

  function serveTarball(name: string, file: string): Response {
    const versions = packages.get(name)
    const prefix = `${name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name}-`
    const version = file.startsWith(prefix) ? file.slice(prefix.length) : undefined
    const built = version === undefined ? undefined : versions?.get(version)
    if (!built) return notFound()
    return new Response(built.bytes, { headers: { 'content-type': 'application/octet-stream' } })
  }

  /** `/<name>/<version>`: one version's full document, as the registry serves it */
  function serveVersion(name: string, version: string): Response {
    const versions = packages.get(name)
    if (!versions || versions.size === 0) return notFound()
    const full = buildPackuments([...versions.values()], url).full as { versions?: Record<string, unknown> }
    const doc = full.versions?.[version]
    if (doc === undefined) return notFound()
    return new Response(JSON.stringify(doc), { headers: { 'content-type': 'application/json' } })
  }

  function servePackument(request: Request, name: string): Response {
    const versions = packages.get(name)
    if (!versions || versions.size === 0) return notFound()
    const docs = buildPackuments([...versions.values()], url)
    const corgi = (request.headers.get('accept') ?? '').includes(CORGI_TYPE)
    const body = JSON.stringify(corgi ? docs.corgi : docs.full)
    const etag = `"${createHash('sha1').update(body).digest('hex')}"`
    const lastModified = new Date(docs.modified).toUTCString()
    const headers = {
      'content-type': corgi ? CORGI_TYPE : 'application/json',
      etag,
      'last-modified': lastModified,
      vary: 'accept',
    }
    const ifNoneMatch = request.headers.get('if-none-match')
    const ifModifiedSince = request.headers.get('if-modified-since')
    const notModified = ifNoneMatch !== null
      ? ifNoneMatch === etag
      : ifModifiedSince !== null && Date.parse(ifModifiedSince) >= Date.parse(lastModified)
    if (notModified) return new Response(null, { status: 304, headers })
    return new Response(body, { headers })
  }

  const registry: TestRegistry = {
    url,
    port: server.port ?? 0,
    requests,
    unexpected,
    add(...defs) {
      for (const def of defs) {
        const time = def.time ?? new Date(BASE_TIME + added * 60_000).toISOString()
        added += 1
        const versions = packages.get(def.name) ?? new Map<string, BuiltVersion>()
        versions.set(def.version, buildVersion(def, time))
        packages.set(def.name, versions)
      }
    },
    tarballPath: (name, version) => tarballPathOf(name, version),
    tarballUrl: (name, version) => `${url.slice(0, -1)}${tarballPathOf(name, version)}`,
    packumentPath: (name) => `/${escapedName(name)}`,
    integrity: (name, version) => versionOf(name, version).integrity,
    shasum: (name, version) => versionOf(name, version).shasum,
    tarballBytes: (name, version) => versionOf(name, version).bytes,
    packument(name) {
      const versions = packages.get(name)
      if (!versions) throw new Error(`fixture registry has no package ${name}`)
      return buildPackuments([...versions.values()], url).full
    },
    fault(matcher, fault) {
      faults.push({ matcher, fault, left: fault.times ?? Number.POSITIVE_INFINITY })
    },
    clearFaults() {
      faults.length = 0
    },
    async close() {
      await server.stop(true)
    },
    async [Symbol.asyncDispose]() {
      await server.stop(true)
    },
  }
  registry.add(...(options.packages ?? []))
  return registry
}

function notFound(): Response {
  return new Response(JSON.stringify({ error: 'Not found' }), {
    status: 404,
    headers: { 'content-type': 'application/json' },
  })
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path)
  } catch {
    return path
  }
}

function matches(matcher: FaultMatcher, request: RecordedRequest): boolean {
  if (typeof matcher === 'string') return safeDecode(matcher.split('?')[0] ?? '') === request.path
  if (matcher instanceof RegExp) return matcher.test(request.path)
  return matcher(request)
}

/** Faults that act on the body of an otherwise normal response. */
async function applyBodyFault(response: Response, fault: Fault): Promise<Response> {
  if ('delayMs' in fault || 'until' in fault || 'status' in fault) return response
  const bytes = new Uint8Array(await response.arrayBuffer())
  const init = { status: response.status, headers: response.headers }
  if ('wrongBytes' in fault) {
    const changed = bytes.slice()
    const middle = Math.floor(changed.length / 2)
    changed[middle] = (changed[middle] ?? 0) ^ 0xff
    return new Response(changed, init)
  }
  const cut = 'truncateAt' in fault ? fault.truncateAt : 'stallAfterBytes' in fault ? fault.stallAfterBytes : 0
  const head = bytes.slice(0, Math.min(cut, bytes.length))
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      if (head.length > 0) controller.enqueue(head)
      // an error with no reason makes Bun close the connection mid-body, without logging
      if (!('stallAfterBytes' in fault)) setTimeout(() => controller.error(), 5)
    },
  })
  return new Response(stream, init)
}
