import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { SkiffError } from '../../src/error/index.ts'
import { createExtractor, extractTarball } from '../../src/tarball/index.ts'
import { readUmask } from '../../src/tarball/read-umask.ts'
import { listTree, makeTgz, modeOf, tempStage } from './make-tar.ts'

const SRC_TARBALL = path.resolve(import.meta.dir, '../../src/tarball')

const sample = makeTgz([
  { name: 'package/package.json', data: JSON.stringify({ name: 'tool', version: '1.0.0', bin: 'cli.js' }) },
  { name: 'package/cli.js', data: '#!/usr/bin/env node\r\n' },
  { name: 'package/lib/a.js', data: 'a', mode: 0o600 },
])

describe('createExtractor', () => {
  test('workers extract exactly what the in-thread extractor does', async () => {
    using inThread = tempStage()
    using pooled = tempStage()
    const expected = await extractTarball(sample, inThread.dest, { pkg: 'tool@1.0.0' })
    await using pool = createExtractor({ workers: 2 })
    const actual = await pool.extract(sample, pooled.dest, { pkg: 'tool@1.0.0' })
    expect(actual).toEqual(expected)
    expect(listTree(pooled.dest)).toEqual(listTree(inThread.dest))
    expect(modeOf(path.join(pooled.dest, 'cli.js'))).toBe(0o755)
    expect(fs.readFileSync(path.join(pooled.dest, 'cli.js'), 'utf8')).toBe('#!/usr/bin/env node\n')
  })

  test('with transfer the bytes are handed to the worker and the caller keeps an empty view; without it they stay usable', async () => {
    using stage = tempStage()
    await using pool = createExtractor({ workers: 1 })
    const kept = new Uint8Array(sample)
    const handed = new Uint8Array(sample)
    fs.mkdirSync(path.join(stage.root, 'kept'))
    fs.mkdirSync(path.join(stage.root, 'handed'))
    const a = await pool.extract(kept, path.join(stage.root, 'kept'), { pkg: 'tool@1.0.0' })
    const b = await pool.extract(handed, path.join(stage.root, 'handed'), { pkg: 'tool@1.0.0', transfer: true })
    expect(b).toEqual(a)
    expect(kept.byteLength).toBe(sample.byteLength)
    expect(handed.byteLength).toBe(0)
    expect(listTree(path.join(stage.root, 'handed'))).toEqual(listTree(path.join(stage.root, 'kept')))
  })

  test('many extractions in flight all land in their own folders', async () => {
    using stage = tempStage()
    await using pool = createExtractor({ workers: 2 })
    const dests = Array.from({ length: 12 }, (_, i) => path.join(stage.root, `p${i}`))
    for (const dest of dests) fs.mkdirSync(dest)
    const results = await Promise.all(dests.map((dest, i) => pool.extract(sample, dest, { pkg: `p${i}` })))
    expect(results.map((result) => result.unpackedBytes)).toEqual(Array(12).fill(results[0]?.unpackedBytes))
    for (const dest of dests) expect(listTree(dest)).toEqual(['cli.js', 'lib/', 'lib/a.js', 'package.json'])
  })

  test('modes are exact under a strict umask, and the process umask is left as it was', async () => {
    using stage = tempStage()
    const previous = process.umask(0o077)
    try {
      await using pool = createExtractor({ workers: 2 })
      const dests = Array.from({ length: 40 }, (_, i) => path.join(stage.root, `p${i}`))
      for (const dest of dests) fs.mkdirSync(dest)
      await Promise.all(dests.map((dest, i) => pool.extract(sample, dest, { pkg: `p${i}` })))
      const modes = dests.flatMap((dest) => ['cli.js', 'lib', 'lib/a.js'].map((rel) => modeOf(path.join(dest, rel))))
      expect(new Set(modes)).toEqual(new Set([0o755, 0o644]))
      expect(modeOf(path.join(dests[0] as string, 'lib/a.js'))).toBe(0o644)
      expect(readUmask()).toBe(0o077)
    } finally {
      process.umask(previous)
    }
  })

  test('a refusal in a worker arrives as a SkiffError with its code and package', async () => {
    using stage = tempStage()
    await using pool = createExtractor({ workers: 1 })
    const hostile = makeTgz([{ name: 'package/../../evil', data: 'x' }])
    const error = await pool.extract(hostile, stage.dest, { pkg: 'evil@1.0.0' }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(SkiffError)
    expect((error as SkiffError).code).toBe('EBADTARBALL')
    expect((error as SkiffError).details.pkg).toBe('evil@1.0.0')
    expect(listTree(stage.root)).toEqual(['stage/', 'stage/dest/'])
  })

  test('disposing lets running extractions finish, cancels queued ones with EABORT and refuses new ones', async () => {
    using stage = tempStage()
    const pool = createExtractor({ workers: 1 })
    const dests = Array.from({ length: 6 }, (_, i) => path.join(stage.root, `p${i}`))
    for (const dest of dests) fs.mkdirSync(dest)
    const settled = dests.map((dest, i) => pool.extract(sample, dest, { pkg: `p${i}` }).then(() => 'done', (error: SkiffError) => error.code))
    await pool[Symbol.asyncDispose]()
    const outcomes = await Promise.all(settled)
    expect(outcomes.slice(0, 2)).toEqual(['done', 'done'])
    expect(outcomes.slice(2)).toEqual(['EABORT', 'EABORT', 'EABORT', 'EABORT'])
    for (const dest of dests.slice(2)) expect(fs.readdirSync(dest)).toEqual([])
    const late = await pool.extract(sample, dests[5] as string, { pkg: 'late' }).catch((error: SkiffError) => error.code)
    expect(late).toBe('EABORT')
  })
})

// A tiny program that extracts through the pool, built the way build.ts must build skiff: the
// worker module as a second entry point, named flat, ESM, minified, with bytecode.
function entrySource(tgzPath: string, dest: string): string {
  return `
import { readFileSync } from 'node:fs'
import { createExtractor } from ${JSON.stringify(path.join(SRC_TARBALL, 'index.ts'))}
const pool = createExtractor({ workers: 2 })
pool
  .extract(readFileSync(${JSON.stringify(tgzPath)}), ${JSON.stringify(dest)}, { pkg: 'tool' })
  .then((result) => pool[Symbol.asyncDispose]().then(() => console.log(JSON.stringify(result.manifest))))
`
}

describe('extraction workers in a compiled binary', () => {
  test('run from the binary itself when extract-worker.ts is a flat-named entry point of the build', async () => {
    using stage = tempStage()
    const tgzPath = path.join(stage.root, 'tool.tgz')
    fs.writeFileSync(tgzPath, sample)
    const entry = path.join(stage.root, 'main.ts')
    fs.writeFileSync(entry, entrySource(tgzPath, stage.dest))
    const outfile = path.join(stage.root, 'skiff-test')
    const build = await Bun.build({
      entrypoints: [entry, path.join(SRC_TARBALL, 'extract-worker.ts')],
      naming: { entry: '[name].[ext]' },
      format: 'esm',
      minify: true,
      bytecode: true,
      compile: { outfile, autoloadDotenv: false, autoloadBunfig: false },
    })
    expect(build.success).toBe(true)
    // run from another folder: the worker must come from inside the binary, not from disk
    const run = Bun.spawnSync([outfile], { cwd: '/', stdout: 'pipe', stderr: 'pipe' })
    expect(run.stderr.toString()).toBe('')
    expect(run.exitCode).toBe(0)
    expect(JSON.parse(run.stdout.toString())).toEqual({ name: 'tool', version: '1.0.0', bin: { tool: 'cli.js' }, hasBindingGyp: false })
    expect(listTree(stage.dest)).toEqual(['cli.js', 'lib/', 'lib/a.js', 'package.json'])
  }, 60_000)
})
