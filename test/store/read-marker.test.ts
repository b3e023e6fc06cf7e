import { describe, expect, test } from 'bun:test'
import { parseMarker } from '../../src/store/read-marker.ts'

const key = 'a'.repeat(128)
const valid = {
  version: 1 as const,
  key,
  pkg: 'a@1.0.0',
  index: { dirs: ['lib'], files: [{ path: 'lib/a.js', mode: 0o644, size: 1 }] },
  manifest: { name: 'a', bin: { a: 'lib/a.js' }, hasBindingGyp: false },
}

describe('parseMarker', () => {
  test('reads a marker written for this key', () => {
    expect(parseMarker(JSON.stringify(valid), key)).toEqual(valid)
  })

  test.each([
    ['truncated JSON', '{"version":1,"key":'],
    ['another key', JSON.stringify({ ...valid, key: 'b'.repeat(128) })],
    ['another layout version', JSON.stringify({ ...valid, version: 2 })],
    ['a file path climbing out', JSON.stringify({ ...valid, index: { dirs: [], files: [{ path: '../x', mode: 420, size: 1 }] } })],
    ['an absolute folder', JSON.stringify({ ...valid, index: { dirs: ['/etc'], files: [] } })],
    ['a file without a mode', JSON.stringify({ ...valid, index: { dirs: [], files: [{ path: 'x', size: 1 }] } })],
    ['a manifest without hasBindingGyp', JSON.stringify({ ...valid, manifest: { name: 'a' } })],
    ['a bin that is not a map of strings', JSON.stringify({ ...valid, manifest: { hasBindingGyp: false, bin: { a: 1 } } })],
  ])('refuses %s', (_name, text) => {
    expect(parseMarker(text, key)).toBeUndefined()
  })
})
