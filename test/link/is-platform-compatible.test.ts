import { describe, expect, test } from 'bun:test'
import { isPlatformCompatible, type Platform, type PlatformRequirement } from '../../src/link/index.ts'

const LINUX_GLIBC: Platform = { os: 'linux', cpu: 'x64', libc: 'glibc' }
const LINUX_MUSL: Platform = { os: 'linux', cpu: 'arm64', libc: 'musl' }
const LINUX_UNKNOWN_LIBC: Platform = { os: 'linux', cpu: 'x64' }
const MAC: Platform = { os: 'darwin', cpu: 'arm64' }

// [requirement, platform, compatible] — npm-install-checks' checkPlatform rules
const CASES: Array<[PlatformRequirement, Platform, boolean]> = [
  [{}, LINUX_GLIBC, true],
  [{ os: ['linux'] }, LINUX_GLIBC, true],
  [{ os: ['darwin'] }, LINUX_GLIBC, false],
  [{ os: ['darwin', 'linux'] }, LINUX_GLIBC, true],
  [{ os: 'linux' }, LINUX_GLIBC, true],
  [{ os: ['!win32'] }, LINUX_GLIBC, true],
  [{ os: ['!linux'] }, LINUX_GLIBC, false],
  [{ os: ['!win32', '!darwin'] }, LINUX_GLIBC, true],
  [{ os: ['!win32', 'darwin'] }, LINUX_GLIBC, false],
  [{ os: ['!linux', 'linux'] }, LINUX_GLIBC, false],
  [{ os: ['any'] }, LINUX_GLIBC, true],
  [{ os: ['any', 'darwin'] }, LINUX_GLIBC, false],
  [{ os: [] }, LINUX_GLIBC, true],
  [{ cpu: ['x64'] }, LINUX_GLIBC, true],
  [{ cpu: ['arm64'] }, LINUX_GLIBC, false],
  [{ cpu: ['!ia32'] }, LINUX_GLIBC, true],
  [{ os: ['linux'], cpu: ['arm64'] }, LINUX_GLIBC, false],
  [{ libc: ['glibc'] }, LINUX_GLIBC, true],
  [{ libc: ['glibc'] }, LINUX_MUSL, false],
  [{ libc: ['musl'] }, LINUX_MUSL, true],
  [{ libc: ['!musl'] }, LINUX_GLIBC, true],
  [{ libc: ['!musl'] }, LINUX_UNKNOWN_LIBC, false],
  [{ libc: ['glibc'] }, MAC, false],
  [{ os: ['darwin'], cpu: ['arm64'] }, MAC, true],
  [{ os: ['darwin'], cpu: ['arm64'], libc: ['glibc'] }, MAC, false],
]

describe('isPlatformCompatible', () => {
  for (const [requirement, platform, compatible] of CASES) {
    test(`${JSON.stringify(requirement)} on ${JSON.stringify(platform)} is ${compatible ? 'compatible' : 'incompatible'}`, () => {
      expect(isPlatformCompatible(requirement, platform)).toBe(compatible)
    })
  }
})
