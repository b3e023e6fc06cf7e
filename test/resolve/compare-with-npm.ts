/**
 * By hand, not in the test suite: resolve a real project from scratch against
 * registry.npmjs.org and compare the lockfile with what `npm install --package-lock-only`
 * writes at the same moment in a fresh copy (with an empty user config, so no personal
 * .npmrc setting changes npm's output).
 *
 *   bun test/resolve/compare-with-npm.ts [small|medium|antd|<folder>] [--fresh] [--no-npm]
 *
 * Packuments are cached in $TMPDIR/skiff-compare-cache between runs (--fresh empties it).
 * Prints the timing of the resolution, the number of differing entries and each difference.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type LockEntry, parseLockfile, serializeLockfile } from '../../src/lockfile/index.ts'
import { buildIdealTree, lockfileFromTree, type ResolveWarning } from '../../src/resolve/index.ts'
import { createRegistryIO } from './registry-io.ts'

const REGISTRY = 'https://registry.npmjs.org/'
const args = process.argv.slice(2)
const fixture = args.find((arg) => !arg.startsWith('--')) ?? 'small'
const source = fs.existsSync(fixture) ? path.resolve(fixture) : path.join(import.meta.dir, '../fixtures/projects', fixture)
const cacheDir = path.join(os.tmpdir(), 'skiff-compare-cache')
if (args.includes('--fresh')) fs.rmSync(cacheDir, { recursive: true, force: true })
fs.mkdirSync(cacheDir, { recursive: true })

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-compare-'))
const npmDir = path.join(work, 'npm')
const skiffDir = path.join(work, 'skiff')
for (const dir of [npmDir, skiffDir]) {
  fs.mkdirSync(dir)
  for (const file of ['package.json', '.npmrc']) {
    if (fs.existsSync(path.join(source, file))) fs.copyFileSync(path.join(source, file), path.join(dir, file))
  }
}
const npmrc = fs.existsSync(path.join(source, '.npmrc')) ? fs.readFileSync(path.join(source, '.npmrc'), 'utf8') : ''
const legacyPeerDeps = /^\s*legacy-peer-deps\s*=\s*true\s*$/m.test(npmrc)

const npmRun = args.includes('--no-npm') ? undefined : runNpm()
const rootManifest = JSON.parse(fs.readFileSync(path.join(skiffDir, 'package.json'), 'utf8')) as Record<string, unknown>
const io = createRegistryIO({ registry: REGISTRY, extrasFrom: 'version-document', cacheDir, concurrency: 48 })
const warnings: ResolveWarning[] = []
const started = performance.now()
const tree = await buildIdealTree({
  projectDir: skiffDir,
  rootManifest,
  options: {
    legacyPeerDeps,
    strictPeerDeps: false,
    force: false,
    nodeVersion: nodeVersion(),
    npmVersion: '11.19.1',
    omitLockfileRegistryResolved: false,
    registryFor: () => REGISTRY,
  },
  ...io,
  onWarning: (warning) => warnings.push(warning),
})
const lock = lockfileFromTree(tree, rootManifest, { omitLockfileRegistryResolved: false })
const text = serializeLockfile(lock, { indent: 2, newline: '\n' })
const elapsedMs = performance.now() - started
fs.writeFileSync(path.join(skiffDir, 'package-lock.json'), text)
console.log(`${fixture}: resolved ${lock.packages.size - 1} packages in ${elapsedMs.toFixed(0)} ms (${io.requests()} requests, ${warnings.length} warnings)`)
for (const warning of warnings.slice(0, 5)) console.log(`  warning ${warning.code} ${warning.message}`)

if (npmRun !== undefined) {
  await npmRun
  const npmText = fs.readFileSync(path.join(npmDir, 'package-lock.json'), 'utf8')
  compare(npmText, text)
}
console.log(`files in ${work}`)

function runNpm(): Promise<void> {
  const userconfig = path.join(work, 'empty-npmrc')
  fs.writeFileSync(userconfig, '')
  return new Promise((resolve, reject) => {
    const child = Bun.spawn(['npm', 'install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', `--userconfig=${userconfig}`, `--cache=${path.join(work, 'npm-cache')}`], {
      cwd: npmDir,
      stdout: 'ignore',
      stderr: 'pipe',
    })
    void child.exited.then(async (code) => {
      if (code === 0) resolve()
      else reject(new Error(`npm exited ${code}: ${await new Response(child.stderr).text()}`))
    })
  })
}

function compare(npmText: string, skiffText: string): void {
  if (npmText === skiffText) {
    console.log('identical to npm, byte for byte')
    return
  }
  const npmLock = parseLockfile(npmText, { file: 'npm', kind: 'package-lock.json' })
  const skiffLock = parseLockfile(skiffText, { file: 'skiff', kind: 'package-lock.json' })
  const locations = new Set([...npmLock.packages.keys(), ...skiffLock.packages.keys()])
  let differing = 0
  const lines: string[] = []
  for (const location of [...locations].sort()) {
    const ours = skiffLock.packages.get(location)
    const theirs = npmLock.packages.get(location)
    const diff = entryDiff(theirs, ours)
    if (diff === undefined) continue
    differing++
    lines.push(`  ${location || '(root)'}: ${diff}`)
  }
  console.log(`${differing} of ${locations.size} entries differ from npm`)
  for (const line of lines.slice(0, 60)) console.log(line)
  if (lines.length > 60) console.log(`  ... ${lines.length - 60} more`)
}

function entryDiff(npmEntry: LockEntry | undefined, ours: LockEntry | undefined): string | undefined {
  if (npmEntry === undefined) return `only skiff has it (${ours?.version})`
  if (ours === undefined) return `only npm has it (${npmEntry.version})`
  const keys = new Set([...Object.keys(npmEntry), ...Object.keys(ours)])
  const fields: string[] = []
  for (const key of keys) {
    const a = JSON.stringify(npmEntry[key])
    const b = JSON.stringify(ours[key])
    if (a !== b) fields.push(`${key}: npm ${a ?? '-'} skiff ${b ?? '-'}`)
  }
  return fields.length === 0 ? undefined : fields.join('; ')
}

function nodeVersion(): string {
  const result = spawnSync('node', ['--version'], { encoding: 'utf8' })
  return result.status === 0 ? result.stdout.trim() : process.version
}
