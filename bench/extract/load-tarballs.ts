/**
 * Downloads (once) the tarballs of a package-lock.json into a cache folder and returns their
 * bytes. Used by the extraction benchmark and the npm comparison; not part of skiff.
 */
import fs from 'node:fs'
import path from 'node:path'

export interface BenchTarball {
  /** lockfile location, e.g. node_modules/@babel/core */
  location: string
  pkg: string
  integrity: string | undefined
  bytes: Uint8Array
}

interface LockEntry {
  name?: unknown
  version?: unknown
  resolved?: unknown
  integrity?: unknown
  os?: unknown
  cpu?: unknown
  libc?: unknown
}

/** npm's platform filter for linux / x64 / glibc, the machine the benchmark runs on. */
function isInstallable(entry: LockEntry): boolean {
  const fits = (wanted: unknown, actual: string): boolean => {
    if (!Array.isArray(wanted)) return true
    const values = wanted.filter((value): value is string => typeof value === 'string')
    if (values.includes(`!${actual}`)) return false
    const positives = values.filter((value) => !value.startsWith('!'))
    return positives.length === 0 || positives.includes(actual)
  }
  return fits(entry.os, 'linux') && fits(entry.cpu, 'x64') && fits(entry.libc, 'glibc')
}

function lockEntries(lockPath: string, allPlatforms: boolean): Array<{ location: string; pkg: string; resolved: string; integrity: string | undefined }> {
  const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as { packages?: Record<string, LockEntry> }
  const out = []
  for (const [location, entry] of Object.entries(lock.packages ?? {})) {
    if (!location.includes('node_modules/') || typeof entry.version !== 'string') continue
    if (!allPlatforms && !isInstallable(entry)) continue
    const name = location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length)
    // a lockfile written with omit-lockfile-registry-resolved has no "resolved"
    const realName = typeof entry.name === 'string' ? entry.name : name
    const resolved = typeof entry.resolved === 'string' ? entry.resolved : registryTarballUrl(realName, entry.version)
    if (!resolved.endsWith('.tgz')) continue
    out.push({
      location,
      pkg: `${name}@${entry.version}`,
      resolved,
      integrity: typeof entry.integrity === 'string' ? entry.integrity : undefined,
    })
  }
  return out
}

function registryTarballUrl(name: string, version: string): string {
  return `https://registry.npmjs.org/${name}/-/${name.slice(name.indexOf('/') + 1)}-${version}.tgz`
}

export interface LoadOptions {
  limit?: number
  /** also the packages npm would skip on this platform (os / cpu / libc) */
  allPlatforms?: boolean
}

export async function loadTarballs(lockPath: string, cacheDir: string, options: LoadOptions = {}): Promise<BenchTarball[]> {
  fs.mkdirSync(cacheDir, { recursive: true })
  const entries = lockEntries(lockPath, options.allPlatforms ?? false).slice(0, options.limit ?? Infinity)
  const result: BenchTarball[] = []
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const entry = entries[next++]
      if (entry === undefined) return
      const file = path.join(cacheDir, entry.pkg.replace('/', '+') + '.tgz')
      if (!fs.existsSync(file)) {
        const res = await fetch(entry.resolved, { signal: AbortSignal.timeout(60_000) })
        if (!res.ok) throw new Error(`GET ${entry.resolved}: ${res.status}`)
        fs.writeFileSync(file + '.tmp', await res.bytes())
        fs.renameSync(file + '.tmp', file)
      }
      result.push({ location: entry.location, pkg: entry.pkg, integrity: entry.integrity, bytes: fs.readFileSync(file) })
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker))
  result.sort((a, b) => a.location.localeCompare(b.location))
  return result
}
