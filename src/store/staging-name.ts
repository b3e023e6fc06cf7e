/**
 * Names of staging folders (`v1/tmp/<key>.<host>.<pid>.<random>`) and the rule that says when
 * one is a leftover. A staging folder is left alone while the process that made it may still be
 * using it: its pid is alive on this host and it is younger than the threshold. A folder made on
 * another host (a cache shared over a volume) is judged by age only, since its pid means nothing
 * here. Anything in tmp/ that does not have this shape is a leftover too, once old enough.
 */
export interface StagingOwner {
  host: string
  pid: number
}

const NAME_PATTERN = /^[0-9a-z-]+\.([0-9a-f]{8})\.(\d+)\.[0-9a-z]+$/

/** A short, file-name-safe tag of a host name. */
export function hostTag(hostname: string): string {
  return new Bun.CryptoHasher('sha256').update(hostname).digest('hex').slice(0, 8)
}

export function stagingName(key: string, owner: StagingOwner): string {
  return `${key}.${owner.host}.${owner.pid}.${Math.random().toString(36).slice(2, 10)}`
}

export function parseStagingName(name: string): StagingOwner | undefined {
  const match = NAME_PATTERN.exec(name)
  if (!match?.[1] || !match[2]) return undefined
  return { host: match[1], pid: Number(match[2]) }
}

export interface LeftoverContext {
  ageMs: number
  olderThanMs: number
  self: StagingOwner
  isAlive: (pid: number) => boolean
}

export function isLeftover(name: string, context: LeftoverContext): boolean {
  if (context.ageMs >= context.olderThanMs) return true
  const owner = parseStagingName(name)
  if (!owner || owner.host !== context.self.host) return false
  if (owner.pid === context.self.pid) return false
  return !context.isAlive(owner.pid)
}
