import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { compareTrees, countByKind, describeDifference } from './compare-trees.ts'

let scratch: string
let left: string
let right: string

/** The same small package tree written into a root. */
function writeTree(root: string): void {
  fs.mkdirSync(path.join(root, 'a', 'lib'), { recursive: true })
  fs.mkdirSync(path.join(root, '@scope', 'b'), { recursive: true })
  fs.mkdirSync(path.join(root, '.bin'))
  fs.writeFileSync(path.join(root, 'a', 'package.json'), '{"name":"a","version":"1.0.0"}\n')
  fs.writeFileSync(path.join(root, 'a', 'lib', 'index.js'), 'module.exports = 42\n')
  fs.writeFileSync(path.join(root, 'a', 'cli.js'), '#!/usr/bin/env node\n')
  fs.chmodSync(path.join(root, 'a', 'cli.js'), 0o755)
  fs.writeFileSync(path.join(root, '@scope', 'b', 'index.js'), 'export {}\n')
  fs.symlinkSync('../a/cli.js', path.join(root, '.bin', 'a'))
  fs.writeFileSync(path.join(root, '.package-lock.json'), '{"lockfileVersion":3}\n')
}

beforeEach(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-compare-'))
  left = path.join(scratch, 'left')
  right = path.join(scratch, 'right')
  writeTree(left)
  writeTree(right)
})

afterEach(() => {
  fs.rmSync(scratch, { recursive: true, force: true })
})

describe('compareTrees', () => {
  test('two trees written the same way have no differences', () => {
    expect(compareTrees(left, right)).toEqual([])
  })

  test('a single changed byte of the same length is a content difference', () => {
    fs.writeFileSync(path.join(right, 'a', 'lib', 'index.js'), 'module.exports = 43\n')
    expect(compareTrees(left, right)).toEqual([{ kind: 'content', path: 'a/lib/index.js', leftSize: 20, rightSize: 20 }])
  })

  test('a lost executable bit is a mode difference', () => {
    fs.chmodSync(path.join(right, 'a', 'cli.js'), 0o644)
    expect(compareTrees(left, right)).toEqual([{ kind: 'mode', path: 'a/cli.js', left: 0o755, right: 0o644 }])
  })

  test('a symlink pointing elsewhere is a symlink difference, compared by its exact text', () => {
    fs.unlinkSync(path.join(right, '.bin', 'a'))
    fs.symlinkSync(path.join(right, 'a', 'cli.js'), path.join(right, '.bin', 'a'))
    expect(compareTrees(left, right)).toEqual([
      { kind: 'symlink', path: '.bin/a', left: '../a/cli.js', right: path.join(right, 'a', 'cli.js') },
    ])
  })

  test('an extra file on one side and a missing file on the other are both reported', () => {
    fs.writeFileSync(path.join(right, '@scope', 'b', 'extra.js'), '\n')
    fs.unlinkSync(path.join(right, 'a', 'package.json'))
    expect(compareTrees(left, right)).toEqual([
      { kind: 'only-right', path: '@scope/b/extra.js', type: 'file' },
      { kind: 'only-left', path: 'a/package.json', type: 'file' },
    ])
  })

  test('a directory in place of a file is a type difference, and its content is not listed again', () => {
    fs.rmSync(path.join(right, 'a', 'lib'), { recursive: true })
    fs.writeFileSync(path.join(right, 'a', 'lib'), '')
    expect(compareTrees(left, right)).toEqual([
      { kind: 'type', path: 'a/lib', left: 'dir', right: 'file' },
      { kind: 'only-left', path: 'a/lib/index.js', type: 'file' },
    ])
  })

  test('an ignored file may differ in bytes but must exist on both sides', () => {
    const ignoreContent = new Set(['.package-lock.json'])
    fs.writeFileSync(path.join(right, '.package-lock.json'), '{"lockfileVersion":3,"packages":{}}\n')
    expect(compareTrees(left, right, { ignoreContent })).toEqual([])
    fs.unlinkSync(path.join(right, '.package-lock.json'))
    expect(compareTrees(left, right, { ignoreContent })).toEqual([{ kind: 'only-left', path: '.package-lock.json', type: 'file' }])
  })

  test('differences are counted by kind and described with both sides named', () => {
    fs.chmodSync(path.join(right, 'a', 'cli.js'), 0o644)
    fs.writeFileSync(path.join(right, 'a', 'cli.js'), '#!/usr/bin/env bun\n')
    const differences = compareTrees(left, right)
    expect(countByKind(differences)).toEqual({ 'only-left': 0, 'only-right': 0, type: 0, content: 1, mode: 1, symlink: 0 })
    expect(differences.map((difference) => describeDifference(difference, 'npm', 'skiff'))).toEqual([
      'a/cli.js: bytes differ (npm 20 B, skiff 19 B)',
      'a/cli.js: mode 0755 in npm, 0644 in skiff',
    ])
  })
})
