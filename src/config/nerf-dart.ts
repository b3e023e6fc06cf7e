/**
 * npm's "nerf dart": the `//host[:port]/path/` form of a registry URL that prefixes its auth
 * keys in .npmrc. The scheme is dropped, the port is kept (a default port disappears, as
 * the URL parser drops it), and the path is cut back to its last `/`.
 */
export function nerfDart(url: string): string {
  const parsed = new URL(url)
  const folder = new URL('.', `${parsed.protocol}//${parsed.host}${parsed.pathname}`)
  return `//${folder.host}${folder.pathname}`
}
