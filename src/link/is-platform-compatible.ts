/**
 * npm-install-checks' checkPlatform as a predicate: each of os, cpu and libc that the package
 * lists must accept the current value. A list accepts a value when it is exactly ["any"], or
 * when it names none of the value's "!" negations and either names the value or consists of
 * negations only. A package that lists libc is incompatible where libc is unknown (not Linux,
 * or not detected).
 */
export interface PlatformRequirement {
  os?: string | readonly string[]
  cpu?: string | readonly string[]
  libc?: string | readonly string[]
}

export type Libc = 'glibc' | 'musl'

export interface Platform {
  os: string
  cpu: string
  libc?: Libc
}

export function isPlatformCompatible(entry: PlatformRequirement, platform: Platform): boolean {
  if (entry.os !== undefined && !listAccepts(entry.os, platform.os)) return false
  if (entry.cpu !== undefined && !listAccepts(entry.cpu, platform.cpu)) return false
  if (entry.libc === undefined) return true
  return platform.libc !== undefined && listAccepts(entry.libc, platform.libc)
}

function listAccepts(list: string | readonly string[], value: string): boolean {
  const values = typeof list === 'string' ? [list] : list
  if (values.length === 1 && values[0] === 'any') return true
  let negations = 0
  let named = false
  for (const item of values) {
    if (item.startsWith('!')) {
      negations++
      if (item.slice(1) === value) return false
    } else if (item === value) {
      named = true
    }
  }
  return named || negations === values.length
}
