/**
 * Where a lock entry's tarball is fetched from.
 *
 * With `resolved`: the URL as written, except that `replace-registry-host` rewrites it onto
 * the configured registry, as npm 11's arborist (reify.js #registryResolved) does:
 * - 'never': never; 'always': any http(s) URL; 'npmjs' (default): URLs on registry.npmjs.org;
 *   a hostname: URLs on that host; a URL: URLs on its host under its path.
 * - the rewrite takes protocol, host and port from the *default* registry (npm uses
 *   `registry`, not the scope's: checked against npm 11.19 with a scoped package), swaps a
 *   matched URL path prefix for the registry's path, or else prefixes the registry's path
 *   when the URL does not already start with it. Query and fragment are kept.
 *
 * Without `resolved` (locks written with omit-lockfile-registry-resolved): the registry's
 * conventional URL `<registry for scope>/<name>/-/<unscoped>-<version>.tgz`. (npm instead
 * fetches the packument and takes `dist.tarball`; every public registry uses this layout.)
 */
import type { Config } from '../config/index.ts'
import { SkiffError } from '../error/index.ts'

export interface TarballEntry {
  name: string
  version?: string
  resolved?: string
}

type UrlConfig = Pick<Config, 'registry' | 'replaceRegistryHost' | 'registryFor'>

export function tarballUrl(entry: TarballEntry, config: UrlConfig): string {
  if (entry.resolved) return replaceRegistryHost(entry.resolved, config)
  if (!entry.version) {
    throw new SkiffError('EINTERNAL', `${entry.name}: a lock entry needs "resolved" or "version" to be fetched`, { pkg: entry.name })
  }
  const unscoped = entry.name.startsWith('@') ? entry.name.slice(entry.name.indexOf('/') + 1) : entry.name
  return `${config.registryFor(entry.name)}${entry.name}/-/${unscoped}-${entry.version}.tgz`
}

export function replaceRegistryHost(resolved: string, config: Pick<Config, 'registry' | 'replaceRegistryHost'>): string {
  const setting = config.replaceRegistryHost
  if (setting === 'never') return resolved
  // A URL already on the configured registry comes out as it went in whenever the setting
  // has no path of its own (the rewrite puts the registry's protocol, host and port back,
  // and its path is already there): no URL is parsed for the thousands of such entries.
  if (resolved.startsWith(identityPrefix(config.registry, setting))) return resolved
  const resolvedUrl = parseHttpUrl(resolved)
  if (!resolvedUrl) return resolved
  const match = setting === 'npmjs' ? 'registry.npmjs.org' : setting
  const matchUrl = parseHttpUrl(match)
  const matchHost = matchUrl ? matchUrl.hostname : match
  const matchPath = matchUrl ? matchUrl.pathname.replace(/\/$/, '') : ''
  const hostMatches = setting === 'always' || matchHost === resolvedUrl.hostname
  if (!hostMatches || (matchPath !== '' && !hasPathPrefix(resolvedUrl.pathname, matchPath))) return resolved

  const registryUrl = new URL(config.registry)
  const registryPath = registryUrl.pathname.replace(/\/$/, '')
  resolvedUrl.protocol = registryUrl.protocol
  resolvedUrl.hostname = registryUrl.hostname
  resolvedUrl.port = registryUrl.port
  if (matchPath !== '') {
    resolvedUrl.pathname = registryPath + resolvedUrl.pathname.slice(matchPath.length)
  } else if (registryPath !== '' && !hasPathPrefix(resolvedUrl.pathname, registryPath)) {
    resolvedUrl.pathname = registryPath + resolvedUrl.pathname
  }
  return resolvedUrl.toString()
}

let identity: { registry: string; setting: string; prefix: string } | undefined

/** The registry URL (with its trailing slash) when the rewrite cannot change URLs under it, else a prefix no URL has. */
function identityPrefix(registry: string, setting: string): string {
  if (identity?.registry === registry && identity.setting === setting) return identity.prefix
  const registryUrl = parseHttpUrl(registry)
  const matchPath = parseHttpUrl(setting)?.pathname.replace(/\/$/, '') ?? ''
  const canonical = registryUrl !== undefined && registryUrl.href === registry && registry.endsWith('/') && registryUrl.search === '' && registryUrl.hash === ''
  const prefix = canonical && matchPath === '' ? registry : '\0'
  identity = { registry, setting, prefix }
  return prefix
}

function hasPathPrefix(pathname: string, prefix: string): boolean {
  return pathname === prefix || pathname.startsWith(`${prefix}/`)
}

function parseHttpUrl(text: string): URL | undefined {
  try {
    const url = new URL(text)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined
  } catch {
    return undefined
  }
}
