import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { detectPlatform, libcFromEvidence } from '../../src/link/index.ts'

const GLIBC_LDD = '#!/bin/bash\n# Copyright (C) 1996-2022 Free Software Foundation, Inc.\n# This file is part of the GNU C Library.\n'
const MUSL_LDD = '#!/bin/sh\nexec /lib/ld-musl-x86_64.so.1 --list "$@"\n'

describe('libcFromEvidence', () => {
  test('reads the family from /usr/bin/ldd first, as npm-install-checks does', () => {
    expect(libcFromEvidence({ lddText: GLIBC_LDD })).toBe('glibc')
    expect(libcFromEvidence({ lddText: MUSL_LDD })).toBe('musl')
  })

  test('an ldd that names neither family means unknown, without asking the report', () => {
    expect(libcFromEvidence({ lddText: '#!/bin/sh\n', glibcVersionRuntime: '2.36' })).toBeUndefined()
  })

  test('without ldd, a glibc runtime version in process.report means glibc', () => {
    expect(libcFromEvidence({ glibcVersionRuntime: '2.36', sharedObjects: [] })).toBe('glibc')
  })

  test("without ldd, musl's loader among the shared objects or in /lib means musl", () => {
    expect(libcFromEvidence({ sharedObjects: ['/lib/ld-musl-x86_64.so.1'] })).toBe('musl')
    expect(libcFromEvidence({ sharedObjects: [], libEntries: ['apk', 'ld-musl-aarch64.so.1', 'libc.musl-aarch64.so.1'] })).toBe('musl')
  })

  test('no evidence at all means unknown', () => {
    expect(libcFromEvidence({ sharedObjects: [], libEntries: ['x86_64-linux-gnu'] })).toBeUndefined()
  })
})

describe('detectPlatform', () => {
  test('reports process.platform and process.arch, and on Linux the libc that ldd names', () => {
    const platform = detectPlatform()
    expect(platform.os).toBe(process.platform)
    expect(platform.cpu).toBe(process.arch)
    if (process.platform !== 'linux') {
      expect(platform.libc).toBeUndefined()
      return
    }
    let ldd: string | undefined
    try {
      ldd = readFileSync('/usr/bin/ldd', 'utf8')
    } catch {
      ldd = undefined
    }
    if (ldd?.includes('GNU C Library')) expect(platform.libc).toBe('glibc')
    if (ldd?.includes('musl')) expect(platform.libc).toBe('musl')
  })
})
