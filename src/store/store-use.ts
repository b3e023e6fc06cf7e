/**
 * Who is using the store, so that `cache clean`, `cache prune` and `cache verify` remove
 * entries only while no install is linking from them, and when each entry was last used.
 *
 * - An install holds the store: it writes `v1/holders/<host>.<pid>.<random>` first, then looks
 *   for `v1/maintenance.lock`; if there is one it takes its file back, waits, and tries again.
 * - A removal takes `v1/maintenance.lock` first (link(2), so one process has it), then waits
 *   until no live holder is left. Either side writes its own file before it looks at the
 *   other's, so they never both go ahead.
 * - A holder is live while its process runs (same host) or for a day (another host sharing the
 *   cache); a lock whose owner is gone is stale and taken over.
 * - Use is recorded cheaply: when an install lets go of the store it appends the keys it
 *   linked or stored to `v1/used/<YYYY-MM-DD>.log`, one write. `cache prune --days N` keeps
 *   the entries named in the last N days' logs, and those stored within N days.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { errnoCode, SkiffError } from '../error/index.ts'
import { hostTag } from './staging-name.ts'

const LAYOUT = 'v1'
const HOLDERS = 'holders'
const LOCK = 'maintenance.lock'
const USED = 'used'
/** a holder or lock from another host counts for this long (no pid to ask there) */
const FOREIGN_LIFETIME_MS = 24 * 60 * 60 * 1000
const POLL_MS = 100
const UNWRITABLE = new Set(['EROFS', 'EACCES', 'EPERM'])

export interface StoreUseOptions {
  /** how long to wait for the other side, in ms */
  timeoutMs: number
  signal?: AbortSignal
  /** told once, when waiting starts: the pid of whom it waits for (this host) */
  onWait?: (pid: number | undefined) => void
}

export interface StoreHold extends AsyncDisposable {
  /** this store entry was linked or stored by this install */
  record(key: string): void
}

interface Owner {
  host: string
  pid: number
}

const self = (): Owner => ({ host: hostTag(os.hostname()), pid: process.pid })

/** For an install: the store is held until disposed; the keys recorded go to today's use log. */
export async function holdStore(root: string, options: StoreUseOptions): Promise<StoreHold> {
  const holders = path.join(root, LAYOUT, HOLDERS)
  const lock = path.join(root, LAYOUT, LOCK)
  try {
    fs.mkdirSync(holders, { recursive: true })
    fs.accessSync(holders, fs.constants.W_OK)
  } catch (error) {
    // a cache this user may not write (read-only, another user's): nothing to hold, nothing to log;
    // the install goes on and reports what it cannot write itself
    if (UNWRITABLE.has(errnoCode(error) ?? '')) return { record() {}, async [Symbol.asyncDispose]() {} }
    throw error
  }
  const me = self()
  const file = path.join(holders, `${me.host}.${me.pid}.${Math.random().toString(36).slice(2, 10)}`)
  await waitFor(options, () => {
    fs.writeFileSync(file, '')
    const owner = liveLockOwner(lock)
    if (owner === null) return true
    fs.rmSync(file, { force: true })
    return owner
  }, 'the store is being cleaned')
  const used = new Set<string>()
  return {
    record(key) {
      used.add(key)
    },
    async [Symbol.asyncDispose]() {
      try {
        if (used.size > 0) appendUse(root, used, new Date())
      } catch (error) {
        // the log is a hint for `cache prune`: a full or read-only disk must not fail the install
        if (!UNWRITABLE.has(errnoCode(error) ?? '') && errnoCode(error) !== 'ENOSPC') throw error
      } finally {
        fs.rmSync(file, { force: true })
      }
    },
  }
}

/** For a command that removes entries: no install holds the store until this is disposed. */
export async function lockStoreForMaintenance(root: string, options: StoreUseOptions & { ignoreHolders?: boolean }): Promise<AsyncDisposable> {
  const dir = path.join(root, LAYOUT)
  const lock = path.join(dir, LOCK)
  fs.mkdirSync(path.join(dir, HOLDERS), { recursive: true })
  const me = self()
  const temp = `${lock}.${me.pid}.${Math.random().toString(36).slice(2, 10)}`
  fs.writeFileSync(temp, JSON.stringify(me))
  try {
    await waitFor(options, () => {
      try {
        fs.linkSync(temp, lock)
        return true
      } catch (error) {
        if (errnoCode(error) !== 'EEXIST') throw error
      }
      const owner = liveLockOwner(lock)
      if (owner === null) fs.rmSync(lock, { force: true })
      return owner ?? false
    }, 'another cache command is running')
  } finally {
    fs.rmSync(temp, { force: true })
  }
  const release = { [Symbol.asyncDispose]: async () => fs.rmSync(lock, { force: true }) }
  if (options.ignoreHolders) return release
  try {
    await waitFor(options, () => {
      const holder = liveHolders(path.join(dir, HOLDERS))[0]
      return holder === undefined ? true : holder
    }, 'an install is using the store')
  } catch (error) {
    await release[Symbol.asyncDispose]()
    throw error
  }
  return release
}

/** The keys named in the use logs of `since` and later days. */
export function usedSince(root: string, since: Date): Set<string> {
  const dir = path.join(root, LAYOUT, USED)
  const first = dayOf(since)
  const keys = new Set<string>()
  for (const name of readNames(dir)) {
    if (!name.endsWith('.log') || name.slice(0, -4) < first) continue
    for (const key of fs.readFileSync(path.join(dir, name), 'utf8').split('\n')) if (key !== '') keys.add(key)
  }
  return keys
}

/** Removes the use logs of days before `before`; they name nothing a later prune needs. */
export function forgetUseBefore(root: string, before: Date): void {
  const dir = path.join(root, LAYOUT, USED)
  const first = dayOf(before)
  for (const name of readNames(dir)) if (name.endsWith('.log') && name.slice(0, -4) < first) fs.rmSync(path.join(dir, name), { force: true })
}

function appendUse(root: string, keys: ReadonlySet<string>, now: Date): void {
  const dir = path.join(root, LAYOUT, USED)
  fs.mkdirSync(dir, { recursive: true })
  // one append: concurrent installs add whole lines
  fs.appendFileSync(path.join(dir, `${dayOf(now)}.log`), `${[...keys].join('\n')}\n`)
}

function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10)
}

/** Polls `attempt` until it returns true; anything else is who is waited for. */
async function waitFor(options: StoreUseOptions, attempt: () => true | Owner | false, what: string): Promise<void> {
  const deadline = Date.now() + options.timeoutMs
  let told = false
  for (;;) {
    const result = attempt()
    if (result === true) return
    if (!told) {
      told = true
      options.onWait?.(result === false ? undefined : result.host === self().host ? result.pid : undefined)
    }
    if (Date.now() >= deadline) {
      throw new SkiffError('ELOCKED', `${what}${result !== false && result.host === self().host ? ` (process ${result.pid})` : ''}; gave up after ${Math.round(options.timeoutMs / 1000)}s`, {
        hint: 'wait for it to finish and try again, or raise lock-timeout',
      })
    }
    options.signal?.throwIfAborted()
    await Bun.sleep(POLL_MS)
  }
}

/** The owner of the maintenance lock, or null when there is none or it is stale. */
function liveLockOwner(lock: string): Owner | null {
  let text: string
  let ageMs: number
  try {
    text = fs.readFileSync(lock, 'utf8')
    ageMs = Date.now() - fs.statSync(lock).mtimeMs
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null
    throw error
  }
  let owner: Owner | undefined
  try {
    const parsed = JSON.parse(text) as Partial<Owner>
    if (typeof parsed.host === 'string' && typeof parsed.pid === 'number') owner = { host: parsed.host, pid: parsed.pid }
  } catch {
    // half written: its owner is between write and link, or gone
  }
  if (owner === undefined) return ageMs < FOREIGN_LIFETIME_MS ? { host: '', pid: 0 } : null
  return isLive(owner, ageMs) ? owner : null
}

function liveHolders(dir: string): Owner[] {
  const found: Owner[] = []
  for (const name of readNames(dir)) {
    const match = /^([0-9a-f]{8})\.(\d+)\.[0-9a-z]+$/.exec(name)
    if (!match) continue
    const owner = { host: match[1] as string, pid: Number(match[2]) }
    let ageMs: number
    try {
      ageMs = Date.now() - fs.statSync(path.join(dir, name)).mtimeMs
    } catch {
      continue
    }
    if (isLive(owner, ageMs)) found.push(owner)
    else fs.rmSync(path.join(dir, name), { force: true })
  }
  return found
}

function isLive(owner: Owner, ageMs: number): boolean {
  if (owner.host !== self().host) return ageMs < FOREIGN_LIFETIME_MS
  if (owner.pid === process.pid) return false
  try {
    process.kill(owner.pid, 0)
    return true
  } catch (error) {
    return errnoCode(error) === 'EPERM'
  }
}

function readNames(dir: string): string[] {
  try {
    return fs.readdirSync(dir)
  } catch {
    return []
  }
}
