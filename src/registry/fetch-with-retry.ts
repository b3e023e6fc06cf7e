/**
 * One registry GET, whole: credentials from config.authFor only, redirects followed by hand
 * (credentials dropped when the host changes or https becomes http), a timer that aborts when
 * the headers, then the whole body, each take more than `fetchTimeout` ms (npm's request and
 * body timeouts; with `onProgress`, when no byte arrives for that long), the body read and checked against
 * Content-Length, and retries with backoff (retry-policy.ts). Answers 2xx and 304;
 * everything else becomes a SkiffError whose message and `url` carry no credentials.
 *
 * Concurrency is the caller's: Bun keeps at most 64 idle sockets, so more than 64 requests
 * in flight over HTTP/1.1 stop reusing connections (notes/bun-apis.md section 3).
 */
import { type Config, stripUrlCredentials } from '../config/index.ts'
import { errnoCode, SkiffError, type ErrorCode } from '../error/index.ts'
import { validatePackageName } from '../spec/index.ts'
import { pickProxy } from './pick-proxy.ts'
import { isRetryableErrorCode, isRetryableStatus, retryDelayMs } from './retry-policy.ts'

export interface FetchRequest {
  url: string
  /** the package, for messages: `name` or `name@version` */
  pkg: string
  /** the registry the package comes from (auth fallback, messages) */
  registry: string
  headers: Record<string, string>
  signal?: AbortSignal
  onProgress?: (bytes: number) => void
}

export interface FetchResult {
  status: number
  headers: Headers
  body: Uint8Array
  /** the URL that answered, after redirects */
  url: string
  /** 1 for the first try, more when retries were needed */
  attempt: number
}

const MAX_REDIRECTS = 10

/** Thrown inside one attempt; `retryable` decides whether another attempt is made. */
class AttemptFailure {
  constructor(
    readonly error: SkiffError,
    readonly retryable: boolean,
    readonly retryAfter: string | null = null,
  ) {}
}

/** The tls options of every request, or undefined where they would only say what Bun does by default. */
export function tlsOptions(config: Pick<Config, 'strictSsl' | 'ca'>, env: Readonly<Record<string, string | undefined>>): { rejectUnauthorized: boolean; ca?: Buffer } | undefined {
  if (config.strictSsl && config.ca.length === 0 && env.NODE_TLS_REJECT_UNAUTHORIZED !== '0') return undefined
  return { rejectUnauthorized: config.strictSsl, ...(config.ca.length > 0 ? { ca: Buffer.from(config.ca.join('\n')) } : {}) }
}

/** The abort reason of the stall timer, told apart from the caller's own abort. */
const STALLED = Symbol('stalled')

export function createFetchWithRetry(config: Config, fetchImpl: typeof fetch) {
  const message = (text: string): string => config.redact(text)
  // One object for every request, the CAs as one PEM text in a buffer: Bun reads the CAs again
  // for each request (a system bundle of 144 certificates, as a global cafile gives it: ~150 µs
  // of main thread a request as a list, ~80 µs as one text, ~55 µs as its bytes; antd resolved
  // with no lockfile asks 2,852 times). A text of several PEM blocks is trusted exactly like
  // the list. With strict-ssl and no CA of the user's nothing is passed: that is Bun's own
  // check. Bun's default follows NODE_TLS_REJECT_UNAUTHORIZED=0, where npm's strict-ssl still
  // checks: then it is passed.
  const tls = tlsOptions(config, process.env)

  async function fetchWithRetry(request: FetchRequest): Promise<FetchResult> {
    for (let failures = 0; ; failures++) {
      throwIfAborted(request)
      try {
        return { ...(await attempt(request)), attempt: failures + 1 }
      } catch (caught) {
        if (!(caught instanceof AttemptFailure)) throw caught
        if (!caught.retryable || failures >= config.fetchRetries) throw caught.error
        await sleep(retryDelayMs(failures, config, caught.retryAfter, Date.now()), request)
      }
    }
  }

  async function attempt(request: FetchRequest): Promise<Omit<FetchResult, 'attempt'>> {
    let url = request.url
    let headers = withAuth(request, url, request.url)
    for (let redirects = 0; ; redirects++) {
      const response = await send(request, url, headers)
      const location = response.status >= 300 && response.status < 400 && response.status !== 304
        ? response.headers.get('location')
        : null
      if (location === null) return response
      if (redirects >= MAX_REDIRECTS) {
        throw new AttemptFailure(failure('EHTTP', request, url, `too many redirects fetching ${safeUrl(url)}`), false)
      }
      url = new URL(location, url).toString()
      headers = withAuth(request, url, request.url)
    }
  }

  /** Headers for `url`: the request's own, plus credentials unless the redirect left the original host. */
  function withAuth(request: FetchRequest, url: string, originalUrl: string): Record<string, string> {
    // the common case, an https URL before any redirect, needs no parsing
    const redirected = url !== originalUrl
    const notHttps = !/^https:/i.test(url)
    let withheld = false
    if (redirected || notHttps) {
      const target = new URL(url)
      const original = new URL(originalUrl)
      const leftHost = target.host !== original.host || (original.protocol === 'https:' && target.protocol === 'http:')
      const plainHttpElsewhere = target.protocol === 'http:' && target.host !== new URL(request.registry).host
      withheld = leftHost || plainHttpElsewhere
    }
    const auth = withheld ? {} : config.authFor(url, request.registry)
    return { 'user-agent': config.userAgent, ...request.headers, ...auth }
  }

  async function send(request: FetchRequest, url: string, headers: Record<string, string>): Promise<Omit<FetchResult, 'attempt'>> {
    const controller = new AbortController()
    const forwardAbort = () => controller.abort(request.signal?.reason)
    request.signal?.addEventListener('abort', forwardAbort, { once: true })
    let timer: ReturnType<typeof setTimeout> | undefined
    const touch = () => {
      clearTimeout(timer)
      timer = setTimeout(() => controller.abort(STALLED), config.fetchTimeout)
    }
    touch()
    try {
      const response = await fetchImpl(url, {
        headers,
        signal: controller.signal,
        redirect: 'manual',
        proxy: pickProxy(url, config),
        ...(tls === undefined ? {} : { tls }),
      })
      touch()
      const body = await readBody(response, touch, request.onProgress)
      checkLength(response, body, request, url)
      checkStatus(response, request, url)
      return { status: response.status, headers: response.headers, body, url }
    } catch (caught) {
      if (caught instanceof AttemptFailure) throw caught
      if (controller.signal.aborted && controller.signal.reason === STALLED) {
        throw new AttemptFailure(
          failure('ESTALL', request, url, `${request.pkg}: no data from ${safeUrl(url)} for ${config.fetchTimeout} ms`, {
            hint: 'the registry or the network stalled; raise --fetch-timeout if the link is just slow',
          }),
          true,
        )
      }
      if (request.signal?.aborted) throw abortError(request)
      const code = errnoCode(caught)
      throw new AttemptFailure(
        failure('EFETCH', request, url, `${request.pkg}: could not fetch ${safeUrl(url)}: ${code ?? describeError(caught)}`, {
          cause: caught,
          hint: 'check the network, the proxy settings and the registry URL in .npmrc',
        }),
        isRetryableErrorCode(code),
      )
    } finally {
      clearTimeout(timer)
      request.signal?.removeEventListener('abort', forwardAbort)
    }
  }

  function checkLength(response: Response, body: Uint8Array, request: FetchRequest, url: string): void {
    const declared = response.headers.get('content-length')
    if (declared === null || response.headers.get('content-encoding') !== null) return
    const expected = Number(declared)
    if (!Number.isInteger(expected) || body.length >= expected) return
    throw new AttemptFailure(
      failure('EFETCH', request, url, `${request.pkg}: ${safeUrl(url)} ended after ${body.length} of ${expected} bytes`, {
        hint: 'the connection was cut; try again',
      }),
      true,
    )
  }

  function checkStatus(response: Response, request: FetchRequest, url: string): void {
    const { status } = response
    if ((status >= 200 && status < 300) || (status >= 300 && status < 400)) return
    const where = safeUrl(url)
    const authKey = config.authKeyFor(url, request.registry)
    const sentAuth = Object.keys(config.authFor(url, request.registry)).length > 0
    if (status === 401 || status === 403) {
      const code: ErrorCode = status === 401 ? 'E401' : 'E403'
      const refused = status === 401 ? 'requires authentication' : 'refused access'
      throw new AttemptFailure(
        failure(code, request, url, `${request.pkg}: ${registryLabel(request)} ${refused} (${status} for ${where})`, {
          status,
          hint: sentAuth
            ? `the credentials in "${authKey}" were rejected: renew that token in your .npmrc`
            // no "=" after the key: the redaction of log text would take what follows for a secret
            : `put a token for this registry in .npmrc under the key "${authKey}"`,
        }),
        false,
      )
    }
    if (status === 404) {
      throw new AttemptFailure(
        failure('E404', request, url, `${request.pkg}: not found in ${registryLabel(request)} (404 for ${where})`, {
          status,
          ...namingAdvice(request.pkg, `check the name and version, and that ${registryLabel(request)} is the registry that has it`),
        }),
        false,
      )
    }
    throw new AttemptFailure(
      failure('EHTTP', request, url, `${request.pkg}: ${where} answered ${status} ${response.statusText}`.trim(), { status }),
      isRetryableStatus(status),
      response.headers.get('retry-after'),
    )
  }

  /**
   * npm's note under a 404 for a name no package could be published under today (capitals,
   * core module names): it was probably mistyped.
   */
  function namingAdvice(pkg: string, hint: string): { hint: string; lines?: string[] } {
    if (/.@/.test(pkg)) return { hint }
    const naming = validatePackageName(pkg)
    if (naming.validForNewPackages) return { hint }
    const reasons = [...naming.errors, ...naming.warnings].map((reason, index) => `  ${index + 1}. ${reason}`)
    const lower = pkg.toLowerCase()
    return { lines: ['This package name is not valid, because', ...reasons], hint: lower === pkg ? hint : `package names are lower case now: did you mean ${lower}?` }
  }

  function failure(
    code: ErrorCode,
    request: FetchRequest,
    url: string,
    text: string,
    extra: { hint?: string; cause?: unknown; status?: number; lines?: string[] } = {},
  ): SkiffError {
    return new SkiffError(code, message(text), {
      pkg: request.pkg,
      url: safeUrl(url),
      ...(extra.hint === undefined ? {} : { hint: message(extra.hint) }),
      ...(extra.lines === undefined ? {} : { lines: extra.lines }),
      ...(extra.cause === undefined ? {} : { cause: extra.cause }),
      ...(extra.status === undefined ? {} : { status: extra.status }),
    })
  }

  function registryLabel(request: FetchRequest): string {
    return `the registry ${safeUrl(request.registry)}`
  }

  function abortError(request: FetchRequest): SkiffError {
    return new SkiffError('EABORT', `${request.pkg}: fetch of ${safeUrl(request.url)} was aborted`, {
      pkg: request.pkg,
      url: safeUrl(request.url),
      cause: request.signal?.reason,
    })
  }

  function throwIfAborted(request: FetchRequest): void {
    if (request.signal?.aborted) throw abortError(request)
  }

  function sleep(ms: number, request: FetchRequest): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer)
        reject(abortError(request))
      }
      const timer = setTimeout(() => {
        request.signal?.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      request.signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  return fetchWithRetry
}

async function readBody(
  response: Response,
  touch: () => void,
  onProgress: ((bytes: number) => void) | undefined,
): Promise<Uint8Array> {
  // Without a progress callback the body is read natively, in one call: Bun's stream costs
  // ~50 µs of main thread per chunk (antd's 3.3k tarballs: 14k chunks, 0.7-0.9 s, against
  // 0.13 s); even reading `response.body` once makes bytes() go through the stream. The timer
  // armed at the headers then bounds the whole body, as npm's does.
  if (!onProgress) return await response.bytes()
  if (!response.body) return new Uint8Array(0)
  const chunks: Uint8Array[] = []
  let total = 0
  for await (const chunk of response.body) {
    touch()
    chunks.push(chunk)
    total += chunk.length
    onProgress?.(chunk.length)
  }
  if (chunks.length === 1 && chunks[0]) return chunks[0]
  const body = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.length
  }
  return body
}

function safeUrl(url: string): string {
  return stripUrlCredentials(url)
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
