/**
 * Store lookup cost: fills a store with the tarballs of a lockfile (all platforms: antd's 5,056
 * lock entries hold 3,618 distinct tarballs), then times `get()` for the key of every lock entry,
 * in lock order, in fresh processes, as a second install that finds everything in the store would.
 *
 *   bun bench/extract/get-many.ts [--lock fixtures/antd/package-lock.json] [--dir <store parent>] [--runs 3]
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createStore } from '../../src/store/index.ts'
import { countPaths, createExtractor, extractTarball } from '../../src/tarball/index.ts'
import { loadTarballs } from './load-tarballs.ts'

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`)
  return at < 0 ? undefined : process.argv[at + 1]
}

async function timeGets(root: string, keysFile: string): Promise<void> {
  const keys = JSON.parse(fs.readFileSync(keysFile, 'utf8')) as string[]
  const store = createStore(root, { extract: extractTarball })
  const started = performance.now()
  let found = 0
  let files = 0
  for (const key of keys) {
    const stored = store.get(key)
    if (stored) {
      found++
      files += countPaths(stored.index.files)
    }
  }
  const ms = performance.now() - started
  const distinct = new Set(keys).size
  console.log(JSON.stringify({ lookups: keys.length, distinct, found, files, ms: Math.round(ms * 10) / 10 }))
}

if (process.argv[2] === '--get') {
  await timeGets(process.argv[3] as string, process.argv[4] as string)
  process.exit(0)
}

const lockPath = flag('lock') ?? new URL('../../test/fixtures/projects/antd/package-lock.json', import.meta.url).pathname
const parent = flag('dir') ?? os.tmpdir()
const runs = Number(flag('runs') ?? 3)
const tarballs = await loadTarballs(lockPath, path.join(os.tmpdir(), 'skiff-bench-tarballs'), { allPlatforms: true })
const root = fs.mkdtempSync(path.join(parent, 'skiff-store-bench-'))
const keys = new Set<string>()
const lookups: string[] = []
{
  await using pool = createExtractor({ workers: 2 })
  const store = createStore(root, pool)
  for (const tarball of tarballs) lookups.push(store.keyFor({ integrity: tarball.integrity }))
  const started = performance.now()
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < tarballs.length) {
      const tarball = tarballs[next++]
      if (!tarball) return
      const key = store.keyFor({ integrity: tarball.integrity })
      if (keys.has(key)) continue
      keys.add(key)
      await store.add(key, tarball.bytes, { pkg: tarball.pkg, integrity: tarball.integrity })
    }
  }
  await Promise.all([lane(), lane(), lane(), lane()])
  console.log(`filled: ${keys.size} packages in ${Math.round(performance.now() - started)} ms (verify + extract + publish, 4 in flight, 2 workers)`)
}
const keysFile = path.join(root, 'keys.json')
fs.writeFileSync(keysFile, JSON.stringify(lookups))
for (let run = 0; run < runs; run++) {
  const child = Bun.spawnSync([process.execPath, import.meta.path, '--get', root, keysFile], { stdout: 'pipe', stderr: 'inherit' })
  console.log(`get() in a fresh process: ${child.stdout.toString().trim()}`)
}
if (process.argv.includes("--keep")) process.exit(0)
fs.renameSync(root, `${root}-done`)
fs.rmSync(`${root}-done`, { recursive: true, force: true })
