/**
 * The set of `name@version` a lockfile pins, for package-lock.json, bun.lock and pnpm-lock.yaml.
 * Used to check that a peer's lockfile, made once from the fixture's package-lock.json, pins
 * the same packages, so every tool installs the same tree. Reads only the keys it needs.
 */

export function packageLockVersions(text: string): Set<string> {
  const parsed: unknown = JSON.parse(text)
  const result = new Set<string>()
  if (typeof parsed !== 'object' || parsed === null || !('packages' in parsed)) return result
  const packages = parsed.packages
  if (typeof packages !== 'object' || packages === null) return result
  for (const [key, entry] of Object.entries(packages)) {
    const at = key.lastIndexOf('node_modules/')
    if (at < 0 || typeof entry !== 'object' || entry === null) continue
    if ('link' in entry && entry.link === true) continue
    const name = 'name' in entry && typeof entry.name === 'string' ? entry.name : key.slice(at + 'node_modules/'.length)
    if ('version' in entry && typeof entry.version === 'string') result.add(`${name}@${entry.version}`)
  }
  return result
}

/** bun.lock entries are `"key": ["name@version", ...]` inside "packages". */
export function bunLockVersions(text: string): Set<string> {
  const start = text.indexOf('"packages"')
  const result = new Set<string>()
  if (start < 0) return result
  for (const match of text.slice(start).matchAll(/:\s*\[\s*"((?:@[^"@/]+\/)?[^"@]+)@([^"]+)"/g)) {
    const [, name, version] = match
    if (name !== undefined && version !== undefined && !version.startsWith('workspace:')) result.add(`${name}@${version}`)
  }
  return result
}

/** pnpm-lock.yaml v9: the keys of the top-level `packages:` map are `name@version`. */
export function pnpmLockVersions(text: string): Set<string> {
  const result = new Set<string>()
  let inPackages = false
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) {
      inPackages = line.startsWith('packages:')
      continue
    }
    if (!inPackages) continue
    const match = /^ {2}'?((?:@[^@/'\s]+\/)?[^@'\s]+)@([^('\s:]+)/.exec(line)
    if (match?.[1] !== undefined && match[2] !== undefined) result.add(`${match[1]}@${match[2]}`)
  }
  return result
}

export function lockedVersions(lockfileName: string, text: string): Set<string> {
  if (lockfileName === 'bun.lock') return bunLockVersions(text)
  if (lockfileName === 'pnpm-lock.yaml') return pnpmLockVersions(text)
  return packageLockVersions(text)
}

export interface SetComparison {
  same: number
  onlyLeft: string[]
  onlyRight: string[]
}

export function compareSets(left: ReadonlySet<string>, right: ReadonlySet<string>): SetComparison {
  const onlyLeft = [...left].filter((item) => !right.has(item)).sort()
  const onlyRight = [...right].filter((item) => !left.has(item)).sort()
  return { same: left.size - onlyLeft.length, onlyLeft, onlyRight }
}
