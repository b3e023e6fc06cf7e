/**
 * Bun's allocator (mimalloc) gives memory back to the kernel 10 ms after it is freed (a
 * "purge": madvise DONTNEED, from its scavenger thread) and takes page faults to get it again
 * when it is reused. An install that downloads, unpacks or reads hundreds of megabytes frees
 * and reuses memory all along: a cold medium install purged 162 MB in 1,193 calls. With purges
 * off (MIMALLOC_PURGE_DELAY=-1) the same work costs much less system CPU, for a higher peak of
 * memory (the process keeps what it once used until it ends). Measured with farm-bench,
 * interleaved pairs, cold cache, against the same build without the restart: antd `ci`, wall
 * -28%, CPU -32%, peak RSS 410 -> 591 MB (3 pairs); with the variable set by hand, medium `ci`
 * wall -16%, CPU -11%, RSS +18% (8 pairs) and antd `install --package-lock-only` wall -16%,
 * CPU -19% (3 pairs). A delay of one second instead of never gave antd `ci` only -7%.
 *
 * mimalloc reads that setting from the environment when the process starts, so a big install
 * into a cold cache starts skiff again (execve: the same process id, the same open files and
 * terminal) with it set, right after the configuration is read and before anything is done:
 * that costs the start and the configuration once more (~50 ms), which only a big install pays
 * back. A setting the user gave (the variable already set) is kept, and is what stops a second
 * restart.
 */
import fs from 'node:fs'
import path from 'node:path'

export const PURGE_DELAY_VARIABLE = 'MIMALLOC_PURGE_DELAY'
/** when the first start began (ms since the epoch), for --timings: set for the second start only */
const FIRST_START_VARIABLE = 'SKIFF_FIRST_START_MS'
const PURGE_DELAY_MS = '-1'
/** the commands that download and unpack or resolve a whole tree */
const BIG_WORK_COMMANDS = new Set(['ci', 'install', 'update', 'fetch'])
/**
 * a lockfile of this size locks some 500 packages. medium's (100 KB, 193 packages) gains about
 * what the second start costs: cold `ci` and `install --package-lock-only` measured within
 * the noise (10 pairs each, wall +7% and +2%, CPU -3% and -6%); antd's (2.6 MB) gains a quarter
 */
const BIG_LOCKFILE_BYTES = 256 * 1024
/** without a lockfile: direct dependencies of a tree that size (medium: 14; antd: 218) */
const MANY_DEPENDENCIES = 40

export interface RestartInput {
  command: string
  projectDir: string
  cacheDir: string
  global: boolean
  env: Readonly<Record<string, string | undefined>>
}

/** Whether this run should start again with the allocator's purges held back. */
export function wantsAllocatorRestart(input: RestartInput): boolean {
  if (input.env[PURGE_DELAY_VARIABLE] !== undefined || input.global || !BIG_WORK_COMMANDS.has(input.command)) return false
  if (typeof process.execve !== 'function' || process.platform === 'win32') return false
  // a warm cache: the work is mostly linking, which gains little (antd warm: -2%)
  if (fs.existsSync(path.join(input.cacheDir, 'v1'))) return false
  return isBigProject(input.projectDir)
}

function isBigProject(projectDir: string): boolean {
  for (const name of ['npm-shrinkwrap.json', 'package-lock.json']) {
    const size = sizeOf(path.join(projectDir, name))
    if (size !== undefined) return size >= BIG_LOCKFILE_BYTES
  }
  try {
    const manifest: unknown = JSON.parse(fs.readFileSync(path.join(projectDir, 'package.json'), 'utf8'))
    if (typeof manifest !== 'object' || manifest === null) return false
    let count = 0
    for (const group of ['dependencies', 'devDependencies', 'optionalDependencies'] as const) {
      const deps = (manifest as Record<string, unknown>)[group]
      if (typeof deps === 'object' && deps !== null) count += Object.keys(deps).length
    }
    return count >= MANY_DEPENDENCIES
  } catch {
    // the install itself says what is wrong with it
    return false
  }
}

function sizeOf(file: string): number | undefined {
  try {
    return fs.statSync(file).size
  } catch {
    return undefined
  }
}

/** Starts this process again with the purge delay set; returns only if that could not be done. */
export function restartWithAllocatorSettings(): void {
  try {
    // a compiled skiff's argv[1] is its bundle's path inside the executable, not an argument
    const args = Bun.isStandaloneExecutable ? process.argv.slice(2) : [...process.execArgv, ...process.argv.slice(1)]
    const env = { ...process.env, [PURGE_DELAY_VARIABLE]: PURGE_DELAY_MS, [FIRST_START_VARIABLE]: String(performance.timeOrigin) }
    process.execve?.(process.execPath, [process.execPath, ...args], env)
  } catch {
    // the install goes on in this process, with the allocator's defaults
  }
}

/**
 * When this process is the second start, how long the first ran before it (ms). Both variables
 * the restart added are taken out of the environment (the allocator read its setting when the
 * process started), so that scripts and the programs they run see the user's environment.
 */
export function takeFirstStartLead(): number | undefined {
  const value = process.env[FIRST_START_VARIABLE]
  if (value === undefined) return undefined
  delete process.env[FIRST_START_VARIABLE]
  delete process.env[PURGE_DELAY_VARIABLE]
  const firstStart = Number(value)
  return Number.isFinite(firstStart) && firstStart <= performance.timeOrigin ? performance.timeOrigin - firstStart : undefined
}
