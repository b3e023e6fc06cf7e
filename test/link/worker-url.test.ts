import { describe, expect, test } from 'bun:test'
import { readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { makeTempDir, storePackage } from './fake-store.ts'

const SRC_LINK = path.resolve(import.meta.dir, '../../src/link')

// A tiny program that links one package through the worker pool, built the way build.ts must
// build skiff: the worker module as a second entry point, named flat, minified, with bytecode.
function entrySource(storeDir: string, targetDir: string): string {
  return `
import { createLinker } from ${JSON.stringify(path.join(SRC_LINK, 'index.ts'))}
import { workerEntryUrl } from ${JSON.stringify(path.resolve(SRC_LINK, '../scheduler/index.ts'))}
const index = { dirs: 'lib', files: 'lib/a.js' }
const linker = createLinker({ backend: { kind: 'hardlink' }, workers: 2 })
linker
  .link({ srcDir: ${JSON.stringify(storeDir)}, index, targetDir: ${JSON.stringify(targetDir)}, privateCopy: false })
  .then(() => linker[Symbol.asyncDispose]())
  .then(() => console.log(workerEntryUrl(new URL(${JSON.stringify(Bun.pathToFileURL(path.join(SRC_LINK, 'link-worker.ts')).href)}))))
`
}

describe('link workers in a compiled binary', () => {
  test('run from the binary itself when link-worker.ts is a flat-named entry point of the build', async () => {
    using tmp = makeTempDir()
    const pkg = storePackage(path.join(tmp.dir, 'store'), 'a', [{ path: 'lib/a.js', content: 'a' }])
    const targetDir = path.join(tmp.dir, 'project/node_modules/a')
    const entry = path.join(tmp.dir, 'main.ts')
    writeFileSync(entry, entrySource(pkg.srcDir, targetDir))
    const outfile = path.join(tmp.dir, 'skiff-test')
    const build = await Bun.build({
      entrypoints: [entry, path.join(SRC_LINK, 'link-worker.ts')],
      naming: { entry: '[name].[ext]' },
      minify: true,
      bytecode: true,
      compile: { outfile, autoloadDotenv: false, autoloadBunfig: false },
    })
    expect(build.success).toBe(true)
    const run = Bun.spawnSync([outfile], { cwd: tmp.dir, stdout: 'pipe', stderr: 'pipe' })
    expect(run.stderr.toString()).toBe('')
    expect(run.exitCode).toBe(0)
    expect(run.stdout.toString().trim()).toMatch(/^\/\$bunfs\/root\/link-worker\.js$/)
    expect(readdirSync(path.join(targetDir, 'lib'))).toEqual(['a.js'])
  }, 60_000)
})
