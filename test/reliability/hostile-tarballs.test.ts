/**
 * Hostile tarballs through `skiff ci`, served by the fixture registry with integrity that
 * matches their bytes (so only extraction stands between them and the disk). Names that climb
 * out or are absolute, and archives over the size limit, are refused with EBADTARBALL naming
 * the package; links, devices and fifos are dropped as npm drops them. In every case nothing is
 * written outside node_modules and the store.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createTestRegistry, lockfileFor, writeProject, type PackageDef, type TestRegistry } from '../registry/index.ts'
import { makeTgz, pax, type RawEntry } from '../tarball/make-tar.ts'
import { listTree, runSkiffFull, storeProblems, tempDir, type SkiffExit } from './fixture.ts'

const ESCAPE = `skiff-escaped-${process.pid}`
/** an absolute name that must never be created */
const ABSOLUTE = path.join(os.tmpdir(), `${ESCAPE}-absolute`, 'x.js')

function manifest(name: string): RawEntry {
  return { name: 'package/package.json', data: JSON.stringify({ name, version: '1.0.0' }) }
}

function hostile(name: string, entries: RawEntry[]): PackageDef {
  return { name, version: '1.0.0', tarball: makeTgz([manifest(name), ...entries]) }
}

function lyingTrailer(tgz: Uint8Array, size: number): Uint8Array {
  const copy = tgz.slice()
  new DataView(copy.buffer).setUint32(copy.length - 4, size, true)
  return copy
}

const zeros = (bytes: number): RawEntry => ({ name: 'package/zeros.bin', data: new Uint8Array(bytes) })

const DEFS: PackageDef[] = [
  { name: 'honest', version: '1.0.0', files: { 'index.js': 'honest\n' } },
  // ".." deep enough to leave the staging folder, the store and the test's temp folder
  hostile('climber', [{ name: `package/../../../../../../../../../../${ESCAPE}-climber.js`, data: 'pwned' }]),
  hostile('absolute', [{ name: ABSOLUTE, data: 'pwned' }]),
  hostile('pax-climber', [pax({ path: `package/../../../../../../../../${ESCAPE}-pax.js` }), { name: 'package/innocent.js', data: 'pwned' }]),
  hostile('linker', [
    { name: 'package/out', type: '2', linkname: `../../../../../../../../../tmp/${ESCAPE}-dir` },
    { name: 'package/out/through-link.js', data: 'stays inside' },
    { name: 'package/hard', type: '1', linkname: '/etc/passwd' },
    { name: 'package/chr', type: '3' },
    { name: 'package/blk', type: '4' },
    { name: 'package/fifo', type: '6' },
    { name: 'package/twice.js', data: 'first' },
    { name: 'package/twice.js', data: 'second' },
    { name: 'package/file-then-dir', data: 'a file' },
    { name: 'package/file-then-dir/below.js', data: 'never written' },
  ]),
  { name: 'bomb', version: '1.0.0', tarball: makeTgz([manifest('bomb'), zeros(20 * 1024 * 1024)]) },
  { name: 'lying-bomb', version: '1.0.0', tarball: lyingTrailer(makeTgz([manifest('lying-bomb'), zeros(20 * 1024 * 1024)]), 1000) },
  hostile('huge-entry', [{ name: 'package/huge.bin', size: 8 * 1024 ** 3, base256Size: true, data: 'tiny' }]),
  { name: 'huge-claim', version: '1.0.0', tarball: lyingTrailer(makeTgz([manifest('huge-claim'), zeros(1024)]), 0xfffffff0) },
]

let registry: TestRegistry

beforeAll(async () => {
  registry = await createTestRegistry({ packages: DEFS })
})

afterAll(async () => {
  await registry.close()
})

interface HostileRun extends SkiffExit {
  base: string
  dir: string
  /** everything under the test's temp folder except node_modules and the store */
  outside: string[]
}

async function ciWith(base: string, name: string, env: Record<string, string> = {}): Promise<HostileRun> {
  const packageJson = { name: 'app', version: '1.0.0', dependencies: { honest: '1.0.0', [name]: '1.0.0' } }
  const lockfile = lockfileFor(registry, packageJson, [{ name: 'honest', version: '1.0.0' }, { name, version: '1.0.0' }])
  const dir = writeProject(path.join(base, 'project'), { packageJson, lockfile })
  fs.mkdirSync(path.join(base, 'home'))
  const before = listTree(base)
  const run = await runSkiffFull(dir, ['ci'], { registry: registry.url, env })
  // home/.bun/ is Bun's transpiler cache when skiff runs from source, not skiff's doing
  const ours = (entry: string) => !entry.startsWith('project/node_modules/') && !entry.startsWith('cache/') && !entry.startsWith('home/.bun/')
  const outside = listTree(base).filter((entry) => ours(entry) && !before.includes(entry))
  return { ...run, base, dir, outside }
}

function escapedFiles(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith(ESCAPE))
}

async function expectRefused(run: HostileRun, pkg: string, fact: string): Promise<void> {
  expect(run.code).toBe(1)
  const lines = run.stderr.split('\n')
  expect(lines[0]).toStartWith(`error EBADTARBALL ${pkg}: `)
  expect(lines[0]).toContain(fact)
  expect(run.outside.filter((entry) => entry !== 'project/node_modules/')).toEqual([])
  expect(escapedFiles()).toEqual([])
  expect(fs.existsSync(path.dirname(ABSOLUTE))).toBe(false)
  expect(fs.existsSync(path.join(run.dir, 'node_modules', pkg.split('@')[0] ?? ''))).toBe(false)
  expect(fs.existsSync(path.join(run.dir, 'node_modules/.package-lock.json'))).toBe(false)
  expect(await storeProblems(path.join(run.base, 'cache'), registry, DEFS.filter((def) => def.name === 'honest'))).toEqual([])
}

describe('hostile tarballs through skiff ci', () => {
  test('an entry whose ".." climbs out of the package is refused with EBADTARBALL naming the package and the entry', async () => {
    await using tmp = tempDir()
    const run = await ciWith(tmp.path, 'climber')
    await expectRefused(run, 'climber@1.0.0', `${ESCAPE}-climber.js`)
  })

  test('an absolute entry is refused with EBADTARBALL, and the absolute path is not created', async () => {
    await using tmp = tempDir()
    const run = await ciWith(tmp.path, 'absolute')
    await expectRefused(run, 'absolute@1.0.0', 'is an absolute path')
  })

  test('a pax header renaming an entry to climb out is refused with EBADTARBALL', async () => {
    await using tmp = tempDir()
    const run = await ciWith(tmp.path, 'pax-climber')
    await expectRefused(run, 'pax-climber@1.0.0', `${ESCAPE}-pax.js`)
  })

  test('symlinks and hardlinks pointing out, devices and fifos are dropped; a file "through" a link stays inside; duplicates and a file replaced by a folder resolve as npm does', async () => {
    await using tmp = tempDir()
    const run = await ciWith(tmp.path, 'linker')
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const packageDir = path.join(run.dir, 'node_modules/linker')
    expect(listTree(packageDir)).toEqual(['file-then-dir', 'out/', 'out/through-link.js', 'package.json', 'twice.js'])
    expect(fs.lstatSync(path.join(packageDir, 'out')).isDirectory()).toBe(true)
    expect(fs.readFileSync(path.join(packageDir, 'twice.js'), 'utf8')).toBe('second')
    expect(fs.readFileSync(path.join(packageDir, 'file-then-dir'), 'utf8')).toBe('a file')
    expect(escapedFiles()).toEqual([])
    expect(run.outside.filter((entry) => entry !== 'project/node_modules/')).toEqual([])
  })

  test('a gzip bomb over the size limit is refused with EBADTARBALL before it is unpacked (limit lowered by max-unpacked-bytes)', async () => {
    await using tmp = tempDir()
    const run = await ciWith(tmp.path, 'bomb', { npm_config_max_unpacked_bytes: String(1024 * 1024) })
    await expectRefused(run, 'bomb@1.0.0', 'more than')
  })

  test('a gzip bomb whose trailer lies about its size is stopped while decompressing', async () => {
    await using tmp = tempDir()
    const run = await ciWith(tmp.path, 'lying-bomb', { npm_config_max_unpacked_bytes: String(1024 * 1024) })
    await expectRefused(run, 'lying-bomb@1.0.0', 'more than')
  })

  test('an entry declaring 8 GiB with a few bytes behind it is refused as truncated', async () => {
    await using tmp = tempDir()
    const run = await ciWith(tmp.path, 'huge-entry')
    await expectRefused(run, 'huge-entry@1.0.0', 'truncated')
  })

  test('a tarball claiming 4 GiB in its gzip trailer is refused at the default limit', async () => {
    await using tmp = tempDir()
    const run = await ciWith(tmp.path, 'huge-claim')
    await expectRefused(run, 'huge-claim@1.0.0', 'more than')
  })
})
