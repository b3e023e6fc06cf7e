/**
 * One install at a time in a project. The lock is a file beside package.json, `.skiff-lock`,
 * holding its owner `{ pid, host, token }`. It sits outside node_modules because `ci` moves
 * node_modules aside as a whole.
 *
 * 1. The owner's record is written to a temp file and hard-linked to `.skiff-lock`: link(2)
 *    fails when the name exists, so exactly one process gets it and the file is never seen
 *    half-written.
 * 2. Taken by a live process: wait (polling), telling the caller once; after `timeoutMs`,
 *    ELOCKED naming the owner and the file. An abort signal ends the wait.
 * 3. The owner touches the file every few seconds. A lock is stale when it was not touched
 *    for `STALE_AFTER_MS` (its owner is gone, whatever host it ran on: a container has a new
 *    host name each run), or at once when its owner is a dead process of this host, or has
 *    this process's own pid (an earlier run that got the same pid, as in a container, and
 *    crashed). The stale file is renamed away — one rename wins — and checked to be the one
 *    judged stale, then removed.
 * 4. Release stops the touching and removes the file only while it holds this owner's token.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { errnoCode, SkiffError } from '../error/index.ts'

export const LOCK_FILE = '.skiff-lock'

export interface LockOwner {
  pid: number
  host: string
  token: string
}

export interface ProjectLockOptions {
  projectDir: string
  timeoutMs: number
  /** default: this process on this host */
  self?: { pid: number; host: string }
  /** default: whether a signal could be sent to it */
  isAlive?: (pid: number) => boolean
  /** called once, when the lock is found taken by a live owner */
  onWait?: (owner: LockOwner | undefined) => void
  signal?: AbortSignal
  pollMs?: number
  /** how often the owner touches the lock (default 5 s) */
  heartbeatMs?: number
  /** a lock not touched for this long is stale (default 30 s) */
  staleAfterMs?: number
}

const STALE_AFTER_MS = 30_000
const HEARTBEAT_MS = 5_000
const DEFAULT_POLL_MS = 50

export async function acquireProjectLock(options: ProjectLockOptions): Promise<AsyncDisposable> {
  const file = path.join(options.projectDir, LOCK_FILE)
  const self = options.self ?? { pid: process.pid, host: os.hostname() }
  const isAlive = options.isAlive ?? isProcessAlive
  const mine: LockOwner = { ...self, token: crypto.randomUUID() }
  const deadline = Date.now() + options.timeoutMs
  let told = false
  for (;;) {
    options.signal?.throwIfAborted()
    if (tryCreate(file, mine)) return held(file, mine, options.heartbeatMs ?? HEARTBEAT_MS)
    const owner = readOwner(file)
    if (isStale(file, owner, { self, isAlive, staleAfterMs: options.staleAfterMs ?? STALE_AFTER_MS })) {
      removeStale(file, owner)
      continue
    }
    if (Date.now() >= deadline) throw lockedError(file, owner, options.timeoutMs)
    if (!told) {
      told = true
      options.onWait?.(owner)
    }
    await sleep(options.pollMs ?? DEFAULT_POLL_MS, options.signal)
  }
}

function tryCreate(file: string, owner: LockOwner): boolean {
  const temp = `${file}.${owner.pid}.${owner.token.slice(0, 8)}`
  try {
    fs.writeFileSync(temp, `${JSON.stringify(owner)}\n`)
    fs.linkSync(temp, file)
    return true
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false
    throw new SkiffError('ELOCKED', `cannot create the install lock ${file}: ${errnoCode(error) ?? String(error)}`, {
      path: file,
      cause: error,
      hint: 'check that the project folder is writable',
    })
  } finally {
    try {
      fs.rmSync(temp, { force: true })
    } catch {
      // a read-only folder fails this too: the error that came first is the one to report
    }
  }
}

function readOwner(file: string): LockOwner | undefined {
  let value: unknown
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const { pid, host, token } = value as Record<string, unknown>
  if (typeof pid !== 'number' || typeof host !== 'string' || typeof token !== 'string') return undefined
  return { pid, host, token }
}

/** The lock while this process holds it: touched every `heartbeatMs`, released on dispose. */
function held(file: string, mine: LockOwner, heartbeatMs: number): AsyncDisposable {
  const heartbeat = setInterval(() => touch(file), heartbeatMs)
  heartbeat.unref()
  return {
    async [Symbol.asyncDispose]() {
      clearInterval(heartbeat)
      release(file, mine)
    },
  }
}

function touch(file: string): void {
  try {
    const now = new Date()
    fs.utimesSync(file, now, now)
  } catch {
    // removed by another process that judged it stale: nothing of ours is left to keep alive
  }
}

interface StaleRule {
  self: { pid: number; host: string }
  isAlive: (pid: number) => boolean
  staleAfterMs: number
}

function isStale(file: string, owner: LockOwner | undefined, rule: StaleRule): boolean {
  const stat = fs.statSync(file, { throwIfNoEntry: false })
  // gone since: the next attempt will create it
  if (!stat) return false
  if (Date.now() - stat.mtimeMs > rule.staleAfterMs) return true
  if (!owner || owner.host !== rule.self.host) return false
  // this process has not taken the lock yet, so a record with its pid is an earlier run's
  return owner.pid === rule.self.pid || !rule.isAlive(owner.pid)
}

/** Renames the stale lock away (one process wins) and removes it, unless it turned out to be a new owner's. */
function removeStale(file: string, judged: LockOwner | undefined): void {
  const aside = `${file}.stale.${process.pid}.${crypto.randomUUID().slice(0, 8)}`
  try {
    fs.renameSync(file, aside)
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return
    throw error
  }
  const found = readOwner(aside)
  if (found && found.token !== judged?.token) {
    // a live owner took the lock between our read and our rename: give it back
    try {
      fs.linkSync(aside, file)
    } catch {
      // a third process took the name meanwhile; it holds the lock now
    }
  }
  fs.rmSync(aside, { force: true })
}

function release(file: string, mine: LockOwner): void {
  if (readOwner(file)?.token === mine.token) fs.rmSync(file, { force: true })
}

function lockedError(file: string, owner: LockOwner | undefined, timeoutMs: number): SkiffError {
  const who = owner ? `process ${owner.pid} on ${owner.host}` : 'another process'
  return new SkiffError('ELOCKED', `another install is running in this project (${who}); gave up after waiting ${timeoutMs} ms`, {
    path: file,
    hint: `wait for it to finish; if none is running, delete ${file}. The lock-timeout setting (ms) says how long to wait`,
  })
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to another user
    return errnoCode(error) === 'EPERM'
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
