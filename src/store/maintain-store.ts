/**
 * What `skiff cache verify`, `cache prune` and `cache clean` do to the store, each while no
 * install holds it (the caller takes lockStoreForMaintenance first):
 *  - verify: every entry's files are checked against its marker (store.verify: each file a
 *    regular file of its recorded size, not modified since it was stored); damaged entries and
 *    leftover staging folders are removed;
 *  - prune: entries no install used in the last N days (use logs, store-use.ts) and not stored
 *    within them are removed;
 *  - clean: everything under the layout folder goes (`v1/`), the root folder itself stays.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Store } from './create-store.ts'
import { keyPath } from './store-key.ts'
import { forgetUseBefore, usedSince } from './store-use.ts'
import { describeDamage } from './verify-stored-files.ts'

const DAY_MS = 24 * 60 * 60 * 1000

export interface VerifyReport {
  verified: number
  verifiedBytes: number
  /** name@version (or the key when its marker is unreadable) and the first problem */
  removed: Array<{ pkg: string; problem: string }>
  leftovers: number
}

export async function verifyStore(store: Store): Promise<VerifyReport> {
  const report: VerifyReport = { verified: 0, verifiedBytes: 0, removed: [], leftovers: 0 }
  for (const key of store.keys()) {
    const check = store.verify(key)
    if (check.status === 'absent') continue
    if (check.status === 'ok') {
      report.verified++
      report.verifiedBytes += bytesOf(store, key)
      continue
    }
    await store.remove(key)
    const first = check.problems[0]
    report.removed.push({ pkg: check.pkg ?? key, problem: first === undefined ? 'damaged' : describeDamage(first) })
  }
  // nobody holds the store: every staging folder is a leftover
  report.leftovers = await store.cleanStaging(0)
  return report
}

export interface PruneReport {
  kept: number
  removed: number
  removedBytes: number
}

export async function pruneStore(store: Store, options: { days: number; now: Date }): Promise<PruneReport> {
  const cutoff = new Date(options.now.getTime() - options.days * DAY_MS)
  const used = usedSince(store.root, cutoff)
  const report: PruneReport = { kept: 0, removed: 0, removedBytes: 0 }
  for (const key of store.keys()) {
    if (used.has(key) || storedAtMs(store, key) >= cutoff.getTime()) {
      report.kept++
      continue
    }
    report.removedBytes += bytesOf(store, key)
    await store.remove(key)
    report.removed++
  }
  forgetUseBefore(store.root, cutoff)
  await store.cleanStaging(0)
  return report
}

/** Removes the whole layout folder but the lock files the caller holds; returns the bytes the packages took. */
export async function cleanStore(store: Store, keep: readonly string[]): Promise<{ removed: number; removedBytes: number }> {
  const keys = store.keys()
  const removedBytes = keys.reduce((sum, key) => sum + bytesOf(store, key), 0)
  const layout = path.join(store.root, 'v1')
  for (const name of fs.existsSync(layout) ? fs.readdirSync(layout) : []) {
    if (keep.includes(name)) continue
    await fs.promises.rm(path.join(layout, name), { recursive: true, force: true })
  }
  return { removed: keys.length, removedBytes }
}

/** When the entry was stored: its marker is written last. */
function storedAtMs(store: Store, key: string): number {
  const entry = path.join(store.root, 'v1', 'packages', keyPath(key))
  try {
    return fs.statSync(path.join(entry, 'index.json')).mtimeMs
  } catch {
    return fs.statSync(entry, { throwIfNoEntry: false })?.mtimeMs ?? 0
  }
}

function bytesOf(store: Store, key: string): number {
  const sizes = store.get(key)?.index.sizes ?? ''
  return sizes === '' ? 0 : sizes.split(',').reduce((sum, size) => sum + Number(size), 0)
}
