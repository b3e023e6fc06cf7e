import { describe, expect, test } from 'bun:test'
import { fixShebang } from '../../src/tarball/fix-shebang.ts'

const encode = (text: string) => new TextEncoder().encode(text)
const decode = (bytes: Uint8Array | undefined) => (bytes ? new TextDecoder().decode(bytes) : undefined)

describe('fixShebang, as bin-links fixes bins written on Windows', () => {
  test.each([
    ['a CRLF shebang line becomes LF, other lines stay', '#!/usr/bin/env node\r\na\r\n', '#!/usr/bin/env node\na\r\n'],
    ['an LF shebang needs nothing', '#!/bin/sh\na\r\n', undefined],
    ['no shebang needs nothing', 'a\r\n', undefined],
    ['"#!" alone before CRLF is not a shebang line to fix', '#!\r\nx', undefined],
    ['a first line ending in a lone CR is left', '#!/bin/sh\rx', undefined],
  ])('%s', (_name, input, expected) => {
    expect(decode(fixShebang(encode(input)))).toBe(expected)
  })

  test('a first line longer than 2048 bytes is not looked at', () => {
    expect(fixShebang(encode(`#!/bin/${'x'.repeat(2100)}\r\n`))).toBeUndefined()
    expect(fixShebang(encode(`#!/bin/${'x'.repeat(2000)}\r\n`))).toBeDefined()
  })

  test('bytes that are not UTF-8 come back as U+FFFD, as npm rewrites the file as text', () => {
    const input = new Uint8Array([...encode('#!/bin/sh\r\n'), 0xff, 0x41])
    expect(Array.from(fixShebang(input) ?? [])).toEqual([...encode('#!/bin/sh\n'), 0xef, 0xbf, 0xbd, 0x41])
  })
})
