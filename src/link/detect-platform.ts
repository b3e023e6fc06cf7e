/**
 * The platform packages are checked against, as npm-install-checks' current-env sees it:
 * process.platform, process.arch and, on Linux only, the C library. npm reads /usr/bin/ldd
 * first ("musl" or "GNU C Library" in the script) and only when it cannot be read asks
 * process.report (glibcVersionRuntime means glibc; a loaded ld-musl / libc.musl means musl).
 * Bun's report has glibcVersionRuntime but always an empty sharedObjects list, so where Node
 * would have seen musl's loader among the shared objects we look for it in /lib.
 */
import { readdirSync, readFileSync } from 'node:fs'
import type { Libc, Platform } from './is-platform-compatible.ts'

export interface LibcEvidence {
  /** the text of /usr/bin/ldd, undefined when it cannot be read */
  lddText?: string
  /** process.report header */
  glibcVersionRuntime?: string
  /** process.report sharedObjects */
  sharedObjects?: readonly string[]
  /** names in /lib */
  libEntries?: readonly string[]
}

export function detectPlatform(): Platform {
  const os = process.platform
  const cpu = process.arch
  if (os !== 'linux') return { os, cpu }
  const libc = libcFromEvidence(gatherLibcEvidence())
  return libc ? { os, cpu, libc } : { os, cpu }
}

export function libcFromEvidence(evidence: LibcEvidence): Libc | undefined {
  if (evidence.lddText !== undefined) {
    if (evidence.lddText.includes('musl')) return 'musl'
    if (evidence.lddText.includes('GNU C Library')) return 'glibc'
    return undefined
  }
  if (evidence.glibcVersionRuntime) return 'glibc'
  const isMusl = (file: string) => file.includes('libc.musl-') || file.includes('ld-musl-')
  if (evidence.sharedObjects?.some(isMusl)) return 'musl'
  if (evidence.libEntries?.some(isMusl)) return 'musl'
  return undefined
}

function gatherLibcEvidence(): LibcEvidence {
  const lddText = readOrUndefined(() => readFileSync('/usr/bin/ldd', 'utf8'))
  if (lddText !== undefined) return { lddText }
  const report = process.report.getReport() as { header?: { glibcVersionRuntime?: unknown }; sharedObjects?: unknown }
  const runtime = report.header?.glibcVersionRuntime
  const sharedObjects = Array.isArray(report.sharedObjects) ? report.sharedObjects.filter((item) => typeof item === 'string') : []
  return {
    glibcVersionRuntime: typeof runtime === 'string' ? runtime : undefined,
    sharedObjects,
    libEntries: readOrUndefined(() => readdirSync('/lib')),
  }
}

function readOrUndefined<T>(read: () => T): T | undefined {
  try {
    return read()
  } catch {
    return undefined
  }
}
