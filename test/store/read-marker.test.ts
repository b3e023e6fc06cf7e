import { describe, expect, test } from 'bun:test'
import { parseMarker } from '../../src/store/read-marker.ts'

const key = 'a'.repeat(128)
const valid = {
  version: 3 as const,
  key,
  pkg: 'a@1.0.0',
  index: { dirs: 'lib\0lib/sub', files: 'lib/a.js\0lib/sub/.b\0...', sizes: '120,0,7' },
  manifest: { name: 'a', bin: { a: 'lib/a.js' }, hasBindingGyp: false },
}

describe('parseMarker', () => {
  test('reads a marker written for this key', () => {
    expect(parseMarker(JSON.stringify(valid), key)).toEqual(valid)
  })

  test('reads a marker of a package with no folder and no file', () => {
    const empty = { ...valid, index: { dirs: '', files: '', sizes: '' } }
    expect(parseMarker(JSON.stringify(empty), key)).toEqual(empty)
  })

  test.each([
    ['truncated JSON', '{"version":2,"key":'],
    ['another key', JSON.stringify({ ...valid, key: 'b'.repeat(128) })],
    ['another layout version', JSON.stringify({ ...valid, version: 1 })],
    ['the version 2 index without sizes', JSON.stringify({ ...valid, version: 2, index: { dirs: 'lib', files: 'lib/a.js' } })],
    ['sizes that are not numbers', JSON.stringify({ ...valid, index: { ...valid.index, sizes: '1,x,3' } })],
    ['an empty size', JSON.stringify({ ...valid, index: { ...valid.index, sizes: '1,,3' } })],
    ['the version 1 index of file objects', JSON.stringify({ ...valid, index: { dirs: ['lib'], files: [{ path: 'lib/a.js', mode: 420, size: 1 }] } })],
    ['a file path climbing out', JSON.stringify({ ...valid, index: { dirs: '', files: 'a\0../x' } })],
    ['a file path climbing out in its middle', JSON.stringify({ ...valid, index: { dirs: '', files: 'lib/../../x\0b' } })],
    ['a "." segment', JSON.stringify({ ...valid, index: { dirs: '', files: 'a/./b' } })],
    ['an absolute folder', JSON.stringify({ ...valid, index: { dirs: '/etc', files: '' } })],
    ['a doubled slash', JSON.stringify({ ...valid, index: { dirs: 'a//b', files: '' } })],
    ['a trailing slash', JSON.stringify({ ...valid, index: { dirs: 'a/', files: '' } })],
    ['an empty path between two', JSON.stringify({ ...valid, index: { dirs: '', files: 'a\0\0b' } })],
    ['an empty last path', JSON.stringify({ ...valid, index: { dirs: '', files: 'a\0' } })],
    ['a list that is not a string', JSON.stringify({ ...valid, index: { dirs: '', files: 3 } })],
    ['a manifest without hasBindingGyp', JSON.stringify({ ...valid, manifest: { name: 'a' } })],
    ['a bin that is not a map of strings', JSON.stringify({ ...valid, manifest: { hasBindingGyp: false, bin: { a: 1 } } })],
  ])('refuses %s', (_name, text) => {
    expect(parseMarker(text, key)).toBeUndefined()
  })
})
