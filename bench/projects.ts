/**
 * The bench's folders under bench/.work/ and the per-tool project that every timed run copies.
 *
 *   prepared/<tool>@<version>/<fixture>/   package.json, .npmrc, the tool's own lockfile (+ extras)
 *   caches/<tool>@<version>/<fixture>/warm the warm cache for p4, kept across invocations
 *   runs/<stamp>/...                       one fresh project folder (and cold cache) per timed run
 *   trash/                                 finished trees; deleted only after all timing is done
 *
 * A prepared project is made once from the fixture and reused while the fixture and the tool
 * version stay the same. Nothing big is deleted during a bench: old trees are renamed into the
 * trash, because on this journal-less ext4 creating files right after a big delete is several
 * times slower (shared/notes/bun-apis.md 1.4).
 */
import fs from 'node:fs'
import path from 'node:path'
import { extraProjectFiles, LOCKFILE_NAME } from './phases.ts'
import type { ToolCommand, ToolName } from './tools.ts'

export interface BenchDirs {
  root: string
  prepared: string
  caches: string
  runs: string
  trash: string
}

export function benchDirs(workRoot: string): BenchDirs {
  const dirs = {
    root: workRoot,
    prepared: path.join(workRoot, 'prepared'),
    caches: path.join(workRoot, 'caches'),
    runs: path.join(workRoot, 'runs'),
    trash: path.join(workRoot, 'trash'),
  }
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true })
  return dirs
}

let trashCounter = 0

/** Renames a finished tree into the trash (same file system: no data is touched). */
export function moveToTrash(dirs: BenchDirs, target: string): void {
  if (!fs.existsSync(target)) return
  trashCounter++
  fs.renameSync(target, path.join(dirs.trash, `${Date.now()}-${process.pid}-${trashCounter}-${path.basename(target)}`))
}

/** Deletes the trash. Call only when no timed run follows in this process. */
export function emptyTrash(dirs: BenchDirs): void {
  fs.rmSync(dirs.trash, { recursive: true, force: true })
  fs.mkdirSync(dirs.trash, { recursive: true })
}

export interface Fixture {
  name: string
  dir: string
  /** .npmrc has legacy-peer-deps=true */
  legacyPeerDeps: boolean
}

/** The fixture projects the bench and the compatibility check use by default. */
export const FIXTURES_DIR = path.join(import.meta.dir, '../test/fixtures/projects')

export function readFixture(fixturesRoot: string, name: string): Fixture {
  const dir = path.join(fixturesRoot, name)
  if (!fs.existsSync(path.join(dir, 'package.json'))) throw new Error(`fixture ${name}: no package.json in ${dir}`)
  const npmrcFile = path.join(dir, '.npmrc')
  const npmrc = fs.existsSync(npmrcFile) ? fs.readFileSync(npmrcFile, 'utf8') : ''
  return { name, dir, legacyPeerDeps: /^\s*legacy-peer-deps\s*=\s*true\s*$/m.test(npmrc) }
}

/** The fixture files every project starts from. */
const FIXTURE_FILES = ['package.json', 'package-lock.json', '.npmrc']

function fixtureFingerprint(fixture: Fixture, tool: ToolCommand): string {
  const hasher = new Bun.CryptoHasher('sha256')
  hasher.update(`${tool.tool}@${tool.version}\n`)
  for (const name of FIXTURE_FILES) {
    const file = path.join(fixture.dir, name)
    hasher.update(`${name}\n`)
    if (fs.existsSync(file)) hasher.update(fs.readFileSync(file))
  }
  hasher.update(JSON.stringify(extraProjectFiles(tool.tool, fixture.legacyPeerDeps)))
  return hasher.digest('hex')
}

export interface PrepareOptions {
  dirs: BenchDirs
  fixture: Fixture
  tool: ToolCommand
  baseEnv: Record<string, string>
  log: (line: string) => void
}

export function toolKey(tool: ToolCommand): string {
  return `${tool.tool}@${tool.version.replace(/[^\w.-]+/g, '_')}`
}

/**
 * The tool's prepared project for a fixture, made if missing or stale: the fixture's files,
 * then the tool's own lockfile derived from the fixture's package-lock.json (untimed).
 */
export function prepareProject({ dirs, fixture, tool, baseEnv, log }: PrepareOptions): string {
  const target = path.join(dirs.prepared, toolKey(tool), fixture.name)
  const stampFile = path.join(target, '.bench-prepared')
  const fingerprint = fixtureFingerprint(fixture, tool)
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === fingerprint) return target
  moveToTrash(dirs, target)
  fs.mkdirSync(target, { recursive: true })
  for (const name of FIXTURE_FILES) {
    const source = path.join(fixture.dir, name)
    if (fs.existsSync(source)) fs.writeFileSync(path.join(target, name), fs.readFileSync(source))
  }
  for (const [name, text] of Object.entries(extraProjectFiles(tool.tool, fixture.legacyPeerDeps))) {
    fs.writeFileSync(path.join(target, name), text)
  }
  const derive = LOCKFILE_DERIVATION[tool.tool]
  if (derive !== undefined) {
    const cacheDir = path.join(dirs.runs, `prepare-${toolKey(tool)}-${fixture.name}-${Date.now()}`)
    log(`preparing ${LOCKFILE_NAME[tool.tool]} for ${tool.tool} on ${fixture.name} (untimed)`)
    const { args, env } = derive(cacheDir)
    const result = Bun.spawnSync([...tool.argv, ...args], {
      cwd: target,
      env: { ...baseEnv, ...env },
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
    })
    moveToTrash(dirs, cacheDir)
    const lockfile = path.join(target, LOCKFILE_NAME[tool.tool])
    if (result.exitCode !== 0 || !fs.existsSync(lockfile)) {
      throw new Error(
        `${tool.tool} ${args.join(' ')} in ${target} did not write ${LOCKFILE_NAME[tool.tool]} (exit ${result.exitCode}):\n` +
          result.stderr.toString().slice(-2000),
      )
    }
    fs.rmSync(path.join(target, 'package-lock.json'))
  }
  fs.writeFileSync(stampFile, fingerprint)
  return target
}

/**
 * How a peer's own lockfile is made from package-lock.json, pinning the same versions:
 * bun migrates package-lock.json when it has no bun.lock; `pnpm import` reads it.
 * The untimed run gets a throwaway cache.
 */
const LOCKFILE_DERIVATION: Partial<Record<ToolName, (cacheDir: string) => { args: string[]; env: Record<string, string> }>> = {
  bun: (cacheDir) => ({
    args: ['install', '--lockfile-only', '--ignore-scripts'],
    env: { CI: 'true', BUN_INSTALL_CACHE_DIR: cacheDir },
  }),
  pnpm: (cacheDir) => ({
    args: ['import', '--store-dir', path.join(cacheDir, 'store')],
    env: { CI: 'true', XDG_CACHE_HOME: path.join(cacheDir, 'xdg-cache') },
  }),
}

/** Copies the prepared project into a new folder, with or without the tool's lockfile. */
export function copyProject(prepared: string, target: string, lockfileName: string, withLockfile: boolean): void {
  fs.mkdirSync(target, { recursive: true })
  for (const entry of fs.readdirSync(prepared, { withFileTypes: true })) {
    if (!entry.isFile() || entry.name === '.bench-prepared') continue
    if (!withLockfile && entry.name === lockfileName) continue
    fs.copyFileSync(path.join(prepared, entry.name), path.join(target, entry.name))
  }
}
