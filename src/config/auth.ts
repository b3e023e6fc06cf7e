/**
 * Which credentials go with a request, by npm-registry-fetch's rules (lib/auth.js):
 *
 * 1. Start from `//host[:port]/path` of the request URL (scheme ignored, port significant)
 *    and walk up: drop the last path segment, or the trailing `/` itself, until only
 *    `//host` is left. The first key with `:_authToken`, `:_auth`, or both `:username`
 *    and `:_password` wins, so the longest configured path prefix is used.
 * 2. Nothing found, and the URL is on the same host (and port) as the registry the package
 *    comes from (its scope's or the default): use what step 1 finds for that registry URL.
 * 3. Otherwise no credentials: a tarball on another host never gets a registry's token.
 *
 * `_authToken` is sent as `Bearer`, `_auth` as `Basic` verbatim, `username` + `_password`
 * (base64, as npm stores it) as `Basic base64(username:password)`.
 */
export type AuthKind = '_authToken' | '_auth' | 'username'

export interface AuthMatch {
  /** the nerf-darted prefix that matched, e.g. `//registry.example.com/npm/` */
  prefix: string
  kind: AuthKind
}

export function findAuth(url: string, values: ReadonlyMap<string, string>): AuthMatch | undefined {
  const parsed = new URL(url)
  let prefix = `//${parsed.host}${parsed.pathname}`
  while (prefix.length > 2) {
    const kind = authKindAt(prefix, values)
    if (kind) return { prefix, kind }
    prefix = prefix.replace(/([^/]+|\/)$/, '')
  }
  return undefined
}

function authKindAt(prefix: string, values: ReadonlyMap<string, string>): AuthKind | undefined {
  if (values.get(`${prefix}:_authToken`)) return '_authToken'
  if (values.get(`${prefix}:_auth`)) return '_auth'
  if (values.get(`${prefix}:username`) && values.get(`${prefix}:_password`)) return 'username'
  return undefined
}

/** The match for `url`, falling back to `registry`'s when both are on one host:port. */
export function matchAuth(url: string, registry: string, values: ReadonlyMap<string, string>): AuthMatch | undefined {
  // no credentials at all (the common case): nothing to walk, for each of thousands of tarballs
  if (values.size === 0) return undefined
  const direct = findAuth(url, values)
  if (direct) return direct
  if (url !== registry && new URL(url).host === new URL(registry).host) return findAuth(registry, values)
  return undefined
}

export function authHeaders(match: AuthMatch | undefined, values: ReadonlyMap<string, string>): Record<string, string> {
  if (!match) return {}
  const at = (name: string): string => values.get(`${match.prefix}:${name}`) ?? ''
  switch (match.kind) {
    case '_authToken':
      return { authorization: `Bearer ${at('_authToken')}` }
    case '_auth':
      return { authorization: `Basic ${at('_auth')}` }
    case 'username':
      return { authorization: `Basic ${basicCredentials(at('username'), at('_password'))}` }
    default: {
      const unknownKind: never = match.kind
      return unknownKind
    }
  }
}

/** `_password` is stored base64-encoded in .npmrc; the header carries `user:password`. */
export function basicCredentials(username: string, encodedPassword: string): string {
  const password = Buffer.from(encodedPassword, 'base64').toString('utf8')
  return Buffer.from(`${username}:${password}`, 'utf8').toString('base64')
}
