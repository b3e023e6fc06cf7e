import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { SkiffError } from '../../src/error/index.ts'
import { extractTarball, splitPaths } from '../../src/tarball/index.ts'
import { concat, gnuLong, listTree, makeTar, makeTgz, modeOf, pax, tempStage, type RawEntry } from './make-tar.ts'

const PKG = 'evil@1.0.0'

async function refusal(bytes: Uint8Array, dest: string, maxUnpackedBytes?: number): Promise<SkiffError> {
  try {
    await extractTarball(bytes, dest, { pkg: PKG, maxUnpackedBytes })
  } catch (error) {
    if (error instanceof SkiffError) return error
    throw error
  }
  throw new Error('extraction was expected to fail')
}

/** Refused with EBADTARBALL naming the package, and nothing at all written. */
async function expectRefused(bytes: Uint8Array, stage: { root: string; dest: string }, maxUnpackedBytes?: number): Promise<SkiffError> {
  const error = await refusal(bytes, stage.dest, maxUnpackedBytes)
  expect(error.code).toBe('EBADTARBALL')
  expect(error.details.pkg).toBe(PKG)
  expect(error.message).toContain(PKG)
  expect(listTree(stage.root)).toEqual(['stage/', 'stage/dest/'])
  return error
}

const manifest = (json: object): RawEntry => ({ name: 'package/package.json', data: JSON.stringify(json) })

describe('extractTarball refuses hostile tarballs', () => {
  test('an entry climbing out with ".." is refused, naming the package and the entry', async () => {
    using stage = tempStage()
    const error = await expectRefused(makeTgz([manifest({}), { name: 'package/../../evil', data: 'x' }]), stage)
    expect(error.message).toContain('package/../../evil')
  })

  test('an entry whose top folder is ".." is refused although the strip would hide it', async () => {
    using stage = tempStage()
    await expectRefused(makeTgz([{ name: '../evil', data: 'x' }]), stage)
  })

  test('an absolute entry is refused', async () => {
    using stage = tempStage()
    const error = await expectRefused(makeTgz([{ name: '/etc/evil', data: 'x' }]), stage)
    expect(error.message).toContain('/etc/evil')
  })

  test('a pax path overriding the name with "../x" is refused', async () => {
    using stage = tempStage()
    await expectRefused(makeTgz([pax({ path: 'package/../x' }), { name: 'package/harmless', data: 'x' }]), stage)
  })

  test('a GNU long name climbing out is refused', async () => {
    using stage = tempStage()
    await expectRefused(makeTgz([gnuLong(`package/${'../'.repeat(40)}evil`), { name: 'package/harmless', data: 'x' }]), stage)
  })

  test('a link entry with a climbing name is refused, not just dropped', async () => {
    using stage = tempStage()
    await expectRefused(makeTgz([{ name: 'package/../../l', type: '2', linkname: 'x' }]), stage)
  })

  test('symlinks and hardlinks pointing outside are not extracted, and a file "through" them stays inside', async () => {
    using stage = tempStage()
    const tgz = makeTgz([
      { name: 'package/out', type: '2', linkname: '../../../../etc' },
      { name: 'package/hard', type: '1', linkname: '/etc/passwd' },
      { name: 'package/out/passwd', data: 'inside' },
    ])
    const result = await extractTarball(tgz, stage.dest, { pkg: PKG })
    expect(listTree(stage.root)).toEqual(['stage/', 'stage/dest/', 'stage/dest/out/', 'stage/dest/out/passwd'])
    expect(fs.readFileSync(path.join(stage.dest, 'out/passwd'), 'utf8')).toBe('inside')
    expect(result.index).toEqual({ dirs: 'out', files: 'out/passwd', sizes: '6' })
  })

  test('device, fifo and unknown entries are not extracted', async () => {
    using stage = tempStage()
    const tgz = makeTgz([
      { name: 'package/chr', type: '3' },
      { name: 'package/blk', type: '4' },
      { name: 'package/fifo', type: '6' },
      { name: 'package/sparse', type: 'S', data: 'zzz' },
      { name: 'package/kept', data: 'k' },
    ])
    await extractTarball(tgz, stage.dest, { pkg: PKG })
    expect(listTree(stage.dest)).toEqual(['kept'])
  })

  test('a file replaced by a folder keeps the file, and nothing goes below it', async () => {
    using stage = tempStage()
    const tgz = makeTgz([
      { name: 'package/a', data: 'file' },
      { name: 'package/a/b', data: 'below' },
      { name: 'package/d/x', data: 'in dir' },
      { name: 'package/d', data: 'over dir' },
    ])
    const result = await extractTarball(tgz, stage.dest, { pkg: PKG })
    expect(listTree(stage.dest)).toEqual(['a', 'd/', 'd/x'])
    expect(fs.readFileSync(path.join(stage.dest, 'a'), 'utf8')).toBe('file')
    expect(splitPaths(result.index.files)).toEqual(['a', 'd/x'])
  })

  test('a duplicate entry wins with its bytes; a "0" or old-style entry keeps the first mode, a "7" one its own', async () => {
    using stage = tempStage()
    const tgz = makeTgz([
      { name: 'package/plain', data: 'first', mode: 0o644 },
      { name: 'package/plain', data: 'second!', mode: 0o755 },
      { name: 'package/old', data: 'first', mode: 0o644 },
      { name: 'package/old', type: '\0', data: 'second', mode: 0o755 },
      { name: 'package/contiguous', data: 'first', mode: 0o644 },
      { name: 'package/contiguous', type: '7', data: 'second', mode: 0o755 },
    ])
    const result = await extractTarball(tgz, stage.dest, { pkg: PKG })
    expect(fs.readFileSync(path.join(stage.dest, 'plain'), 'utf8')).toBe('second!')
    expect(modeOf(path.join(stage.dest, 'plain'))).toBe(0o644)
    expect(modeOf(path.join(stage.dest, 'old'))).toBe(0o644)
    expect(modeOf(path.join(stage.dest, 'contiguous'))).toBe(0o755)
    expect(splitPaths(result.index.files)).toEqual(['plain', 'old', 'contiguous'])
    expect(result.unpackedBytes).toBe(7 + 6 + 6)
  })

  test('a huge declared size with no data behind it is a truncated tarball', async () => {
    using stage = tempStage()
    const tgz = makeTgz([{ name: 'package/huge', size: 8 * 1024 ** 3, base256Size: true, data: 'tiny' }])
    const error = await expectRefused(tgz, stage)
    expect(error.message).toContain('truncated')
  })

  test('a gzip bomb over the limit is refused from its gzip trailer before decompressing', async () => {
    using stage = tempStage()
    const tgz = makeTgz([{ name: 'package/zeros', data: new Uint8Array(20 * 1024 * 1024) }])
    const error = await expectRefused(tgz, stage, 1024 * 1024)
    expect(error.message).toContain('more than')
  })

  test('a gzip bomb that lies in its trailer is stopped while decompressing', async () => {
    using stage = tempStage()
    const tgz = makeTgz([{ name: 'package/zeros', data: new Uint8Array(20 * 1024 * 1024) }])
    new DataView(tgz.buffer, tgz.byteOffset).setUint32(tgz.length - 4, 1000, true)
    const error = await expectRefused(tgz, stage, 1024 * 1024)
    expect(error.message).toContain('more than')
  })

  test('files adding up to more than the limit are refused before anything is written', async () => {
    using stage = tempStage()
    const tgz = makeTgz([
      { name: 'package/a', data: new Uint8Array(600_000) },
      { name: 'package/b', data: new Uint8Array(600_000) },
    ])
    const error = await expectRefused(tgz, stage, 1_000_000)
    expect(error.message).toContain('1200000 bytes')
  })

  test('a truncated gzip stream is refused', async () => {
    using stage = tempStage()
    const tgz = makeTgz([manifest({ name: 'evil' }), { name: 'package/a.js', data: 'x'.repeat(5000) }])
    await expectRefused(tgz.subarray(0, tgz.length - 30), stage)
  })

  test('a tar stream cut inside an entry is refused', async () => {
    using stage = tempStage()
    const tar = makeTar([manifest({ name: 'evil' }), { name: 'package/a.js', data: 'x'.repeat(5000) }])
    await expectRefused(Bun.gzipSync(tar.subarray(0, 1536) as Uint8Array<ArrayBuffer>), stage)
  })

  test('a header with a wrong checksum is refused', async () => {
    using stage = tempStage()
    await expectRefused(makeTgz([{ name: 'package/a', data: 'x', corruptChecksum: true }]), stage)
  })

  test('gzip of something that is not a tar is refused', async () => {
    using stage = tempStage()
    await expectRefused(Bun.gzipSync(new TextEncoder().encode('just text')), stage)
  })

  test('a folder that is not empty is not extracted into', async () => {
    using stage = tempStage()
    fs.writeFileSync(path.join(stage.dest, 'already'), '')
    const error = await refusal(makeTgz([{ name: 'package/a', data: 'x' }]), stage.dest)
    expect(error.code).toBe('EINTERNAL')
    expect(fs.readdirSync(stage.dest)).toEqual(['already'])
  })
})

describe('extractTarball leaves what npm leaves', () => {
  test('file modes are 0o644 plus the execute bits of the header, folders 0o755, setuid dropped', async () => {
    using stage = tempStage()
    const tgz = makeTgz([
      { name: 'package/private', mode: 0o600 },
      { name: 'package/owner-exec', mode: 0o700 },
      { name: 'package/all', mode: 0o777 },
      { name: 'package/suid', mode: 0o4755 },
      { name: 'package/emptydir/', type: '5', mode: 0o700 },
      { name: 'package/lib/', type: '5', mode: 0o700 },
      { name: 'package/lib/a.js', mode: 0o640 },
    ])
    const result = await extractTarball(tgz, stage.dest, { pkg: PKG })
    const modes = Object.fromEntries(listTree(stage.dest).map((rel) => [rel, modeOf(path.join(stage.dest, rel)).toString(8)]))
    expect(modes).toEqual({ private: '644', 'owner-exec': '744', all: '755', suid: '755', 'lib/': '755', 'lib/a.js': '644' })
    expect(result.index.dirs).toBe('lib')
  })

  test('bin targets become 0o755 and a CRLF shebang line is rewritten to LF', async () => {
    using stage = tempStage()
    const script = '#!/usr/bin/env node\r\nconsole.log(1)\r\n'
    const tgz = makeTgz([
      manifest({ name: '@scope/tool', bin: { '@scope/tool': './bin/cli.js', other: 'lib/../lib/other.js' } }),
      { name: 'package/bin/cli.js', data: script },
      { name: 'package/lib/other.js', data: '#!/bin/sh\necho ok\r\n', mode: 0o600 },
    ])
    const result = await extractTarball(tgz, stage.dest, { pkg: PKG })
    expect(fs.readFileSync(path.join(stage.dest, 'bin/cli.js'), 'utf8')).toBe('#!/usr/bin/env node\nconsole.log(1)\r\n')
    expect(fs.readFileSync(path.join(stage.dest, 'lib/other.js'), 'utf8')).toBe('#!/bin/sh\necho ok\r\n')
    expect(modeOf(path.join(stage.dest, 'bin/cli.js'))).toBe(0o755)
    expect(modeOf(path.join(stage.dest, 'lib/other.js'))).toBe(0o755)
    expect(result.manifest.bin).toEqual({ tool: 'bin/cli.js', other: 'lib/other.js' })
    expect(fs.statSync(path.join(stage.dest, 'bin/cli.js')).size).toBe(script.length - 1)
    expect(result.unpackedBytes).toBe(fs.statSync(path.join(stage.dest, 'package.json')).size + script.length - 1 + 19)
  })

  test('a string bin is named after the package and made executable', async () => {
    using stage = tempStage()
    const tgz = makeTgz([manifest({ name: 'tool', bin: 'cli.js' }), { name: 'package/cli.js', data: 'x' }])
    const result = await extractTarball(tgz, stage.dest, { pkg: PKG })
    expect(result.manifest.bin).toEqual({ tool: 'cli.js' })
    expect(modeOf(path.join(stage.dest, 'cli.js'))).toBe(0o755)
  })

  test('directories.bin makes every file below that folder a bin', async () => {
    using stage = tempStage()
    const tgz = makeTgz([
      manifest({ name: 'tool', directories: { bin: './scripts' } }),
      { name: 'package/scripts/run', data: 'x' },
      { name: 'package/scripts/.hidden', data: 'x' },
      { name: 'package/other', data: 'x' },
    ])
    const result = await extractTarball(tgz, stage.dest, { pkg: PKG })
    expect(result.manifest.bin).toEqual({ run: 'scripts/run' })
    expect(modeOf(path.join(stage.dest, 'scripts/run'))).toBe(0o755)
    expect(modeOf(path.join(stage.dest, 'scripts/.hidden'))).toBe(0o644)
  })

  test('.gitignore becomes .npmignore unless a .npmignore came first', async () => {
    using stage = tempStage()
    const tgz = makeTgz([
      { name: 'package/.gitignore', data: 'root git' },
      { name: 'package/a/.npmignore', data: 'a npm' },
      { name: 'package/a/.gitignore', data: 'a git' },
      { name: 'package/b/.gitignore', data: 'b git' },
      { name: 'package/b/.npmignore', data: 'b npm' },
    ])
    await extractTarball(tgz, stage.dest, { pkg: PKG })
    expect(listTree(stage.dest)).toEqual(['.npmignore', 'a/', 'a/.npmignore', 'b/', 'b/.npmignore'])
    const read = (rel: string) => fs.readFileSync(path.join(stage.dest, rel), 'utf8')
    expect([read('.npmignore'), read('a/.npmignore'), read('b/.npmignore')]).toEqual(['root git', 'a npm', 'b npm'])
  })

  test('the top folder is stripped whatever its name, several top folders merge, top-level files are dropped', async () => {
    using stage = tempStage()
    const tgz = makeTgz([
      { name: 'node-v1.2.3/index.js', data: 'i' },
      { name: 'other/lib/x.js', data: 'x' },
      { name: 'README', data: 'dropped' },
      { name: './weird/.//a.js', data: 'a' },
    ])
    await extractTarball(tgz, stage.dest, { pkg: PKG })
    expect(listTree(stage.dest)).toEqual(['index.js', 'lib/', 'lib/x.js', 'weird/', 'weird/a.js'])
  })

  test('long names arrive through pax, GNU long names and the ustar prefix; sizes in base-256 are read', async () => {
    using stage = tempStage()
    const deep = `package/${'d'.repeat(70)}/${'e'.repeat(70)}`
    const tgz = makeTgz([
      pax({ path: `${deep}/from-pax.js` }),
      { name: 'ignored-name', data: 'pax' },
      gnuLong(`${deep}/from-gnu.js`),
      { name: 'ignored-too', data: 'gnu' },
      { name: 'from-prefix.js', prefix: deep, data: 'prefix' },
      { name: 'package/gnu-magic.js', prefix: 'not/a/prefix', magic: 'gnu', data: 'g' },
      { name: 'package/big.bin', base256Size: true, data: 'base256' },
      pax({ size: '3' }),
      { name: 'package/pax-size.txt', size: 0, data: 'abc' },
      pax({ mode: '755' }),
      { name: 'package/pax-mode-ignored', data: 'm' },
    ])
    await extractTarball(tgz, stage.dest, { pkg: PKG })
    const rel = deep.slice('package/'.length)
    const read = (file: string) => fs.readFileSync(path.join(stage.dest, file), 'utf8')
    expect([read(`${rel}/from-pax.js`), read(`${rel}/from-gnu.js`), read(`${rel}/from-prefix.js`)]).toEqual(['pax', 'gnu', 'prefix'])
    expect([read('gnu-magic.js'), read('big.bin'), read('pax-size.txt')]).toEqual(['g', 'base256', 'abc'])
    expect(modeOf(path.join(stage.dest, 'pax-mode-ignored'))).toBe(0o644)
  })

  test('the manifest carries name, version, install scripts, gypfile and binding.gyp', async () => {
    using stage = tempStage()
    const scripts = { preinstall: 'a', install: '', postinstall: 'c', prepare: 'd', test: 'e', build: 1 }
    const tgz = makeTgz([
      { name: 'package/package.json', data: `\uFEFF${JSON.stringify({ name: 'n', version: '1.0.0', scripts, gypfile: false })}` },
      { name: 'package/binding.gyp', data: '{}' },
    ])
    const result = await extractTarball(tgz, stage.dest, { pkg: PKG })
    expect(result.manifest).toEqual({
      name: 'n',
      version: '1.0.0',
      scripts: { preinstall: 'a', postinstall: 'c', prepare: 'd' },
      gypfile: false,
      hasBindingGyp: true,
    })
  })

  test('a missing or malformed package.json leaves the manifest empty and extracts the rest', async () => {
    using stage = tempStage()
    const result = await extractTarball(makeTgz([{ name: 'package/package.json', data: '{ nope' }]), stage.dest, { pkg: PKG })
    expect(result.manifest).toEqual({ hasBindingGyp: false })
    expect(listTree(stage.dest)).toEqual(['package.json'])
  })

  test('a plain tar (not gzipped) and a gzip of several members are read whole', async () => {
    using plain = tempStage()
    await extractTarball(makeTar([{ name: 'package/a', data: 'a' }]), plain.dest, { pkg: PKG })
    expect(listTree(plain.dest)).toEqual(['a'])
    using multi = tempStage()
    const tar = makeTar([{ name: 'package/a', data: 'a' }, { name: 'package/b', data: 'b' }])
    const members = concat([Bun.gzipSync(tar.subarray(0, 1024) as Uint8Array<ArrayBuffer>), Bun.gzipSync(tar.subarray(1024) as Uint8Array<ArrayBuffer>)])
    await extractTarball(members, multi.dest, { pkg: PKG })
    expect(listTree(multi.dest)).toEqual(['a', 'b'])
  })
})

describe('extractTarball checks the digest it is given', () => {
  const tgz = makeTgz([manifest({ name: 'a' }), { name: 'package/index.js', data: 'x' }])
  const sha512 = (bytes: Uint8Array) => new Bun.CryptoHasher('sha512').update(bytes).digest('base64')

  test('bytes whose digest is one of those expected are extracted', async () => {
    using stage = tempStage()
    const expectDigest = { algorithm: 'sha512' as const, digests: ['AAAA', sha512(tgz)] }
    await extractTarball(tgz, stage.dest, { pkg: PKG, expectDigest })
    expect(listTree(stage.dest)).toEqual(['index.js', 'package.json'])
  })

  test('other bytes are refused with EINTEGRITY and their actual digest, and nothing is written', async () => {
    using stage = tempStage()
    const other = makeTgz([manifest({ name: 'a' }), { name: 'package/index.js', data: 'y' }])
    const expectDigest = { algorithm: 'sha512' as const, digests: [sha512(tgz)] }
    const caught = await extractTarball(other, stage.dest, { pkg: PKG, expectDigest }).then(
      () => undefined,
      (reason: unknown) => reason,
    )
    expect(caught).toBeInstanceOf(SkiffError)
    expect((caught as SkiffError).code).toBe('EINTEGRITY')
    expect((caught as SkiffError).details.found).toBe(`sha512-${sha512(other)}`)
    expect(listTree(stage.root)).toEqual(['stage/', 'stage/dest/'])
  })
})

describe('extractTarball with a commit step', () => {
  const tgz = makeTgz([manifest({ name: 'a', version: '1.0.0' }), { name: 'package/lib/index.js', data: 'x' }])

  test('makes the folder, writes the marker with the index and manifest, and renames the folder into place', async () => {
    using stage = tempStage()
    const staging = path.join(stage.root, 'staging')
    const final = path.join(stage.root, 'store/ab/final')
    const commit = { markerFile: path.join(staging, 'index.json'), markerFields: { version: 2, key: 'k' }, from: staging, to: final }
    const result = await extractTarball(tgz, path.join(staging, 'content'), { pkg: PKG, commit })
    expect(result.published).toBe(true)
    expect(fs.existsSync(staging)).toBe(false)
    expect(listTree(final)).toEqual(['content/', 'content/lib/', 'content/lib/index.js', 'content/package.json', 'index.json'])
    const marker = JSON.parse(fs.readFileSync(path.join(final, 'index.json'), 'utf8')) as Record<string, unknown>
    expect(marker).toEqual({ version: 2, key: 'k', index: result.index, manifest: result.manifest })
    expect(Object.keys(marker)).toEqual(['version', 'key', 'index', 'manifest'])
  })

  test('a rename onto a taken place reports published: false and leaves the finished folder for the caller', async () => {
    using stage = tempStage()
    const staging = path.join(stage.root, 'staging')
    const final = path.join(stage.root, 'taken')
    fs.mkdirSync(path.join(final, 'other'), { recursive: true })
    const commit = { markerFile: path.join(staging, 'index.json'), markerFields: {}, from: staging, to: final }
    const result = await extractTarball(tgz, path.join(staging, 'content'), { pkg: PKG, commit })
    expect(result.published).toBe(false)
    expect(listTree(staging)).toEqual(['content/', 'content/lib/', 'content/lib/index.js', 'content/package.json', 'index.json'])
    expect(listTree(final)).toEqual(['other/'])
  })

  test('a refused tarball creates nothing, not even the folder', async () => {
    using stage = tempStage()
    const staging = path.join(stage.root, 'staging')
    const commit = { markerFile: path.join(staging, 'index.json'), markerFields: {}, from: staging, to: path.join(stage.root, 'final') }
    const hostile = makeTgz([{ name: 'package/../../evil', data: 'x' }])
    await expect(extractTarball(hostile, path.join(staging, 'content'), { pkg: PKG, commit })).rejects.toThrow(PKG)
    expect(listTree(stage.root)).toEqual(['stage/', 'stage/dest/'])
  })
})
