import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { SkiffError } from '../../src/error/index.ts'
import { extractTarball } from '../../src/tarball/index.ts'
import { gnuLong, listTree, makeTgz, modeOf, tempStage } from './make-tar.ts'

const PKG = 'demo@1.0.0'

/** Every path below `dir` with its mode and, for files, its bytes. */
function snapshot(dir: string): string[] {
  return listTree(dir).map((entry) => {
    const full = path.join(dir, entry)
    const mode = modeOf(full).toString(8)
    return entry.endsWith('/') ? `${entry}\t${mode}` : `${entry}\t${mode}\t${fs.readFileSync(full, 'base64')}`
  })
}

describe('the libc writes and the node:fs writes leave the same package', () => {
  const tgz = makeTgz([
    { name: 'package/package.json', data: JSON.stringify({ name: 'demo', version: '1.0.0', bin: { demo: 'bin/cli.js' } }) },
    { name: 'package/bin/cli.js', data: '#!/usr/bin/env node\r\nconsole.log(1)\r\n', mode: 0o644 },
    { name: 'package/lib/deep/nested/x.js', data: 'x'.repeat(200_000), mode: 0o755 },
    { name: 'package/lib/ünïcode name.txt', data: 'ü' },
    { name: 'package/empty.txt', data: '' },
  ])

  test('same folders, files, bytes and modes (bins executable, their CRLF shebang fixed)', async () => {
    using native = tempStage()
    using fallback = tempStage()
    await extractTarball(tgz, native.dest, { pkg: PKG })
    await extractTarball(tgz, fallback.dest, { pkg: PKG, nativeIo: false })
    const tree = snapshot(native.dest)
    expect(snapshot(fallback.dest)).toEqual(tree)
    expect(tree.map((line) => line.split('\t').slice(0, 2).join(' '))).toEqual([
      'bin/ 755',
      'bin/cli.js 755',
      'empty.txt 644',
      'lib/ 755',
      'lib/deep/ 755',
      'lib/deep/nested/ 755',
      'lib/deep/nested/x.js 755',
      'lib/ünïcode name.txt 644',
      'package.json 644',
    ])
    expect(fs.readFileSync(path.join(native.dest, 'bin/cli.js'), 'utf8')).toBe('#!/usr/bin/env node\nconsole.log(1)\r\n')
    expect(fs.statSync(path.join(native.dest, 'lib/deep/nested/x.js')).size).toBe(200_000)
  })

  for (const nativeIo of [true, false]) {
    test(`a name too long for the file system is EBADTARBALL naming the entry (${nativeIo ? 'libc' : 'node:fs'})`, async () => {
      using stage = tempStage()
      const long = `package/${'n'.repeat(300)}.js`
      try {
        await extractTarball(makeTgz([gnuLong(long), { name: 'package/short.js', data: 'x' }]), stage.dest, { pkg: PKG, nativeIo })
        throw new Error('expected a refusal')
      } catch (error) {
        expect(error).toBeInstanceOf(SkiffError)
        expect((error as SkiffError).code).toBe('EBADTARBALL')
        expect((error as SkiffError).message).toContain(`${'n'.repeat(300)}.js`)
      }
    })
  }
})

describe.skipIf(process.platform !== 'linux' || !['x64', 'arm64'].includes(process.arch))('the compiled write loop', () => {
  test('leaves the same package as the file-by-file writes, rewritten bins and modes included', async () => {
    using compiled = tempStage()
    using plain = tempStage()
    const tgz = makeTgz([
      { name: 'package/package.json', data: JSON.stringify({ name: 'demo', version: '1.0.0', bin: { a: 'bin/a.js', b: 'bin/b.js' } }) },
      { name: 'package/bin/a.js', data: '#!/usr/bin/env node\r\nconsole.log("a")\r\n', mode: 0o644 },
      { name: 'package/bin/b.js', data: '#!/bin/sh\r\necho b\r\n', mode: 0o644 },
      { name: 'package/lib/x/y/z.js', data: 'z'.repeat(300_000), mode: 0o755 },
      { name: 'package/empty', data: '' },
    ])
    await extractTarball(tgz, compiled.dest, { pkg: PKG, compiledWrite: true })
    await extractTarball(tgz, plain.dest, { pkg: PKG })
    expect(snapshot(compiled.dest)).toEqual(snapshot(plain.dest))
    expect(fs.readFileSync(path.join(compiled.dest, 'bin/b.js'), 'utf8')).toBe('#!/bin/sh\necho b\r\n')
  })

  test('a name too long for the file system is still EBADTARBALL naming the entry', async () => {
    using stage = tempStage()
    const long = `package/${'n'.repeat(300)}.js`
    const refusal = await extractTarball(makeTgz([gnuLong(long), { name: 'package/short.js', data: 'x' }]), stage.dest, { pkg: PKG, compiledWrite: true }).then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(refusal).toBeInstanceOf(SkiffError)
    expect((refusal as SkiffError).code).toBe('EBADTARBALL')
    expect(fs.readdirSync(stage.dest)).toEqual([])
  })
})
