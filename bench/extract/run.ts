/**
 * Extraction benchmark: the tarballs of a lockfile (downloaded once into a temp cache, then held
 * in memory) extracted by each candidate into fresh folders, rounds interleaved.
 *
 *   bun bench/extract/run.ts [--lock fixtures/medium/package-lock.json] [--rounds 3] [--only a,b]
 *     [--limit <first N tarballs>] [--dir <folder on the file system to measure>] [--show-differences]
 *     [--delete-as-you-go: remove each output once measured; only on a journaled fs, see below]
 *
 * Candidates that give npm's result: skiff's extractor in-thread and in worker pools (2 or 4
 * jobs in flight, as the extract lane runs it), Bun.Archive behind skiff's parser (safety and
 * npm's rules need the listing anyway) with post-processing, and node-tar with pacote's options.
 * `bun-archive-raw` is Bun.Archive alone (package/ prefix, its own modes, links kept): a bound,
 * not a candidate. Outputs stay on disk until the end, then are removed: on this VM creating
 * files right after a large delete is several times slower (notes/bun-apis.md §1.4).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as tar from 'tar'
import { createExtractor, extractTarball } from '../../src/tarball/index.ts'
import { gunzipTarball } from '../../src/tarball/gunzip-tarball.ts'
import { parseTar } from '../../src/tarball/parse-tar.ts'
import { planExtraction } from '../../src/tarball/plan-extraction.ts'
import { readManifest } from '../../src/tarball/read-manifest.ts'
import { fixShebang } from '../../src/tarball/fix-shebang.ts'
import { describeTree } from './describe-tree.ts'
import { loadTarballs, type BenchTarball } from './load-tarballs.ts'

interface Candidate {
  name: string
  run: (tarballs: readonly BenchTarball[], dests: readonly string[]) => Promise<void>
}

async function inFlight<T>(items: readonly T[], limit: number, job: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      await job(items[index] as T, index)
    }
  }
  await Promise.all(Array.from({ length: limit }, lane))
}

function poolCandidate(workers: number, jobs: number): Candidate {
  return {
    name: `skiff-workers${workers}-c${jobs}`,
    async run(tarballs, dests) {
      await using pool = createExtractor({ workers })
      await inFlight(tarballs, jobs, async (t, i) => {
        await pool.extract(t.bytes, dests[i] as string, { pkg: t.pkg })
      })
    },
  }
}

/**
 * Bun.Archive writes the files; skiff's parser plans first (refusals, npm's names and modes).
 * A tarball whose plan is exactly "every file under one package/ folder, nothing else" is
 * extracted by Bun.Archive, renamed into place and chmod-ed where Bun's mode differs from
 * npm's; any other tarball (links, folders of their own, renames, duplicates) goes to skiff.
 */
async function archiveWithFixups(t: BenchTarball, dest: string): Promise<void> {
  const maxTar = 2 * 1024 ** 3
  const tarBytes = gunzipTarball(t.bytes, t.pkg, maxTar)
  const listing = parseTar(tarBytes, t.pkg)
  const plan = planExtraction(listing.entries, t.pkg, 1024 ** 3)
  const simple =
    listing.entries.length === plan.files.size &&
    listing.entries.every((entry) => entry.kind === 'file' && entry.path === `package/${plan.files.get(entry.path.slice(8))?.path}`) &&
    !listing.entries.some((entry) => entry.path.endsWith('/.gitignore'))
  if (!simple) {
    fs.rmdirSync(dest)
    fs.mkdirSync(dest)
    await extractTarball(t.bytes, dest, { pkg: t.pkg })
    return
  }
  const raw = `${dest}.raw`
  await new Bun.Archive(t.bytes).extract(raw)
  fs.rmdirSync(dest)
  fs.renameSync(`${raw}/package`, dest)
  fs.rmdirSync(raw)
  const bunModes = new Map(listing.entries.map((entry) => [entry.path.slice(8), entry.mode & 0o755]))
  const packageJson = plan.files.get('package.json')
  const manifest = readManifest({
    packageJson: packageJson && tarBytes.subarray(packageJson.offset, packageJson.offset + packageJson.size),
    listPaths: () => [...plan.dirs, ...plan.files.keys()],
    hasBindingGyp: plan.files.has('binding.gyp'),
  })
  for (const target of Object.values(manifest.bin ?? {})) {
    const file = plan.files.get(target)
    if (!file) continue
    file.mode = 0o755
    const fixed = fixShebang(tarBytes.subarray(file.offset, file.offset + file.size))
    if (fixed) fs.writeFileSync(`${dest}/${file.path}`, fixed)
  }
  for (const file of plan.files.values()) {
    if (bunModes.get(file.path) !== file.mode) fs.chmodSync(`${dest}/${file.path}`, file.mode)
  }
}

/** pacote's tar options (lib/fetcher.js), synchronous. */
function nodeTarExtract(t: BenchTarball, dest: string): void {
  const seenNpmignore = new Set<string>()
  const unpack = new tar.UnpackSync({
    cwd: dest,
    strip: 1,
    chmod: false,
    noMtime: true,
    umask: 0,
    preserveOwner: false,
    filter: (name, entry) => {
      if (!('type' in entry) || /Link$/.test(entry.type)) return false
      entry.mode = ((entry.mode ?? 0) | (/Directory|GNUDumpDir/.test(entry.type) ? 0o777 : 0o666)) | 0o600
      if (!/File$/.test(entry.type)) return false
      const base = path.basename(entry.path)
      if (base === '.npmignore') seenNpmignore.add(entry.path)
      else if (base === '.gitignore') {
        const renamed = entry.path.replace(/\.gitignore$/, '.npmignore')
        if (seenNpmignore.has(renamed)) return false
        entry.path = renamed
      }
      return true
    },
  })
  unpack.end(Buffer.from(t.bytes))
}

const candidates: Candidate[] = [
  {
    name: 'skiff-main-thread',
    async run(tarballs, dests) {
      for (const [i, t] of tarballs.entries()) await extractTarball(t.bytes, dests[i] as string, { pkg: t.pkg })
    },
  },
  poolCandidate(2, 2),
  poolCandidate(2, 4),
  poolCandidate(3, 4),
  poolCandidate(4, 4),
  {
    name: 'bun-archive+fixups-c4',
    run: (tarballs, dests) => inFlight(tarballs, 4, (t, i) => archiveWithFixups(t, dests[i] as string)),
  },
  {
    name: 'bun-archive-raw-c4',
    run: (tarballs, dests) =>
      inFlight(tarballs, 4, async (t, i) => {
        await new Bun.Archive(t.bytes).extract(dests[i] as string)
      }),
  },
  {
    name: 'node-tar-sync',
    async run(tarballs, dests) {
      for (const [i, t] of tarballs.entries()) nodeTarExtract(t, dests[i] as string)
    },
  },
]

function countDifferences(a: Set<string>, b: Set<string>): number {
  let count = 0
  for (const line of a) if (!b.has(line)) count++
  for (const line of b) if (!a.has(line)) count++
  return count
}

function countTree(dir: string): { files: number; bytes: number } {
  let files = 0
  let bytes = 0
  for (const dirent of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!dirent.isFile()) continue
    files++
    bytes += fs.statSync(path.join(dirent.parentPath, dirent.name)).size
  }
  return { files, bytes }
}

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`)
  return at < 0 ? undefined : process.argv[at + 1]
}

const lockPath = flag('lock') ?? new URL('../../test/fixtures/projects/medium/package-lock.json', import.meta.url).pathname
const rounds = Number(flag('rounds') ?? 3)
const only = flag('only')?.split(',')
const chosen = candidates.filter((candidate) => !only || only.includes(candidate.name))
const tarballs = await loadTarballs(lockPath, path.join(os.tmpdir(), 'skiff-bench-tarballs'), { limit: Number(flag('limit') ?? Infinity) })
const benchRoot = fs.mkdtempSync(path.join(flag('dir') ?? os.tmpdir(), 'skiff-extract-bench-'))
const results = new Map<string, number[]>()
const differences = new Map<string, number>()
let reference: Set<string> | undefined
let workload: { files: number; bytes: number } | undefined
for (let round = 0; round < rounds; round++) {
  for (const candidate of chosen) {
    const root = path.join(benchRoot, `${round}-${candidate.name}`)
    const dests = tarballs.map((_, i) => path.join(root, String(i)))
    for (const dest of dests) fs.mkdirSync(dest, { recursive: true })
    Bun.spawnSync(['sync'])
    const cpuBefore = process.cpuUsage()
    const started = performance.now()
    await candidate.run(tarballs, dests)
    const wallMs = performance.now() - started
    const cpu = process.cpuUsage(cpuBefore)
    results.set(candidate.name, [...(results.get(candidate.name) ?? []), wallMs])
    if (candidate.name === 'skiff-main-thread' || !workload) workload = countTree(root)
    if (round === 0) {
      // skiff-main-thread is the reference: bench/extract/compare-npm.ts checks it against npm
      const signature = new Set(describeTree(root))
      reference ??= signature
      differences.set(candidate.name, countDifferences(reference, signature))
      if (process.argv.includes('--show-differences')) {
        for (const line of signature) if (!reference.has(line)) console.log(`  ${candidate.name} has: ${line}`)
      }
    }
    console.log(`round ${round} ${candidate.name}: ${wallMs.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms cpu`)
    if (process.argv.includes('--delete-as-you-go')) fs.rmSync(root, { recursive: true, force: true })
  }
}
const { files, bytes } = workload ?? { files: 0, bytes: 0 }
const packed = tarballs.reduce((sum, t) => sum + t.bytes.length, 0)
console.log(`\n${tarballs.length} tarballs, ${(packed / 1e6).toFixed(1)} MB gzipped -> ${files} files, ${(bytes / 1e6).toFixed(1)} MB`)
console.log(`candidate | median ms (min) | files/s | MB/s | paths differing from ${chosen[0]?.name}`)
for (const [name, times] of results) {
  const sorted = [...times].sort((a, b) => a - b)
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0
  const rate = `${Math.round(files / (median / 1000))} | ${(bytes / 1e6 / (median / 1000)).toFixed(0)}`
  console.log(`${name} | ${median.toFixed(0)} (${(sorted[0] ?? 0).toFixed(0)}) | ${rate} | ${differences.get(name)}`)
}
fs.renameSync(benchRoot, `${benchRoot}-done`)
fs.rmSync(`${benchRoot}-done`, { recursive: true, force: true })
