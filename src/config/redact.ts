/**
 * Removes credentials from text bound for a log, an error message or a lockfile: every
 * secret configured in .npmrc (and the Basic header value built from it), and whatever
 * looks like one — `user:pass@` in URLs, `_authToken=…` style assignments, `Bearer …` /
 * `Basic …` header values, and npm's `npm_…` access tokens.
 */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]+@/gi
const ASSIGNMENT = /((?:^|[\s:;,'"{])(?:_authToken|_auth|_password|password|token)["']?\s*[=:]\s*["']?)[^\s"',;}]+/gi
const HEADER_VALUE = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g
const NPM_TOKEN = /\bnpm_[A-Za-z0-9]{20,}/g
const HIDDEN = '***'

/** Secrets shorter than this are not searched for: they would blank out ordinary words. */
const MIN_SECRET_LENGTH = 4

export function createRedact(secrets: Iterable<string>): (text: string) => string {
  const known = [...new Set(secrets)]
    .filter((secret) => secret.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length)
  return (text: string): string => {
    let result = text
    for (const secret of known) result = result.split(secret).join(HIDDEN)
    return result
      .replace(URL_CREDENTIALS, `$1${HIDDEN}@`)
      .replace(ASSIGNMENT, `$1${HIDDEN}`)
      .replace(HEADER_VALUE, `$1 ${HIDDEN}`)
      .replace(NPM_TOKEN, `npm_${HIDDEN}`)
  }
}

/** A URL without its `user:pass@` part, for messages and error fields. */
export function stripUrlCredentials(url: string): string {
  return url.replace(URL_CREDENTIALS, '$1')
}
