/**
 * The lockfile npm writes with omit-lockfile-registry-resolved. arborist writes every lockfile
 * (and the hidden one) from its tree, leaving `resolved` out of each registry dependency's entry
 * (overrideResolves), so a lockfile that had them loses them even when nothing else changes.
 * The URLs left out are handed back by name@version: the install that drops them still fetches
 * from them, as npm's nodes keep their `resolved`.
 */
import { nameFromLocation } from './location.ts'
import type { LockEntry, Lockfile } from './types.ts'

export function omitRegistryResolved(lock: Lockfile, registryDependencies: ReadonlySet<string>): { lock: Lockfile; omitted: Map<string, string> } {
  const omitted = new Map<string, string>()
  const packages = new Map<string, LockEntry>()
  for (const [location, entry] of lock.packages) {
    if (entry.resolved === undefined || !registryDependencies.has(location)) {
      packages.set(location, entry)
      continue
    }
    const { resolved, ...rest } = entry
    omitted.set(`${entry.name ?? nameFromLocation(location)}@${entry.version ?? ''}`, resolved)
    packages.set(location, rest)
  }
  return { lock: omitted.size === 0 ? lock : { ...lock, packages }, omitted }
}
