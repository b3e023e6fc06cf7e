/**
 * The on-disk metadata cache: one SQLite database, `<cache>/v1/metadata.sqlite`, with a row
 * per (form, URL): validators (ETag, Last-Modified, when stored, max-age) and the body, as
 * received (`corgi`, `full`, `version`) or the text a PackumentForm made of it.
 *
 * One file rather than one per document: creating files is what a cold resolution paid for
 * most here (antd: 2,851 documents, 1.5 s of kernel time allocating inodes on ext4 without a
 * journal), and a row is written in one short transaction, so a reader sees the old entry or
 * the new one, never half of one. Any thread may read and write (each opens its own
 * connection); the write-ahead log keeps readers and writers of several threads and
 * processes apart. The cache only saves work: a database that cannot be opened or read is a
 * cache that misses, and an entry that cannot be written is left out.
 *
 * A body is text or bytes (a BLOB: a form's bytes are stored and read back without encoding).
 * keepAllInCache writes many entries in one transaction: a resolution's thousands of
 * documents are written in a few, by whoever has the time (install/packument-pool.ts).
 */
import { Database, type Statement } from 'bun:sqlite'
import fs from 'node:fs'
import path from 'node:path'

export interface CacheEntry {
  url: string
  etag: string | null
  lastModified: string | null
  storedAtMs: number
  /** from Cache-Control max-age; null: revalidate every time */
  maxAgeMs: number | null
  body: CacheBody
}

export type CacheBody = string | Uint8Array

/** Where an entry lives: plain data, so another thread can write it. */
export interface CacheSlot {
  /** the cache root (`--cache`) */
  root: string
  /** the form and the URL */
  key: string
}

/** What a form is given to keep its text under: the slot and the validators of the response. */
export interface CacheWrite {
  slot: CacheSlot
  entry: Omit<CacheEntry, 'body'>
}

interface Row {
  url: string
  etag: string | null
  last_modified: string | null
  stored_at_ms: number
  max_age_ms: number | null
  body: CacheBody
}

interface Connection {
  database: Database
  read: Statement<Row, [string]>
  write: Statement<unknown, [string, string, string | null, string | null, number, number | null, CacheBody]>
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS entries_v1 (
  key TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  etag TEXT,
  last_modified TEXT,
  stored_at_ms INTEGER NOT NULL,
  max_age_ms INTEGER,
  body TEXT NOT NULL
)`

/** This thread's connection to each cache root's database; null when it cannot be opened. */
const connections = new Map<string, Connection | null>()
/** a process works with one cache; tests go through many, each closed when it is no longer among the last few */
const OPEN_AT_MOST = 4

export function cacheSlot(cacheRoot: string, url: string, kind: string): CacheSlot {
  return { root: cacheRoot, key: `${kind} ${url}` }
}

export function readCacheEntry(slot: CacheSlot): CacheEntry | undefined {
  const connection = connect(slot.root)
  let row: Row | null
  try {
    row = connection?.read.get(slot.key) ?? null
  } catch {
    return undefined
  }
  if (row === null || !isRow(row)) return undefined
  return { url: row.url, etag: row.etag, lastModified: row.last_modified, storedAtMs: row.stored_at_ms, maxAgeMs: row.max_age_ms, body: row.body }
}

export function writeCacheEntry(slot: CacheSlot, entry: CacheEntry): void {
  writeEntries(slot.root, [{ slot, entry }])
}

function writeEntries(root: string, entries: ReadonlyArray<{ slot: CacheSlot; entry: CacheEntry }>): void {
  const connection = connect(root)
  if (connection === null) return
  try {
    connection.database.transaction(() => {
      for (const { slot, entry } of entries) {
        connection.write.run(slot.key, entry.url, entry.etag, entry.lastModified, entry.storedAtMs, entry.maxAgeMs, entry.body)
      }
    })()
  } catch {
    // a full disk or a database another process holds too long: the entries are simply not kept
  }
}

/** Keeps what a form made under the slot it was given, with the response's validators. */
export function keepInCache(write: CacheWrite, body: CacheBody): void {
  keepAllInCache([{ write, body }])
}

/** The same for many, one transaction per cache root. */
export function keepAllInCache(kept: ReadonlyArray<{ write: CacheWrite; body: CacheBody }>): void {
  const roots = new Map<string, Array<{ slot: CacheSlot; entry: CacheEntry }>>()
  for (const { write, body } of kept) {
    const list = roots.get(write.slot.root) ?? []
    list.push({ slot: write.slot, entry: { ...write.entry, body } })
    roots.set(write.slot.root, list)
  }
  for (const [root, list] of roots) writeEntries(root, list)
}

export function isFresh(entry: CacheEntry, nowMs: number): boolean {
  return entry.maxAgeMs !== null && nowMs - entry.storedAtMs < entry.maxAgeMs
}

/** max-age from Cache-Control, unless no-cache / no-store say to revalidate. */
export function maxAgeMs(cacheControl: string | null): number | null {
  if (cacheControl === null) return null
  const directives = cacheControl.toLowerCase().split(',').map((part) => part.trim())
  if (directives.includes('no-cache') || directives.includes('no-store')) return null
  const maxAge = directives.find((part) => part.startsWith('max-age='))
  const seconds = maxAge === undefined ? Number.NaN : Number(maxAge.slice('max-age='.length))
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : null
}

function connect(cacheRoot: string): Connection | null {
  const known = connections.get(cacheRoot)
  if (known !== undefined) return known
  let connection: Connection | null = null
  try {
    const dir = path.join(cacheRoot, 'v1')
    fs.mkdirSync(dir, { recursive: true })
    const database = new Database(path.join(dir, 'metadata.sqlite'), { create: true })
    // waits for another writer instead of failing at once; the log survives this connection
    database.run('PRAGMA busy_timeout = 5000')
    database.run('PRAGMA journal_mode = WAL')
    database.run('PRAGMA synchronous = NORMAL')
    database.run(SCHEMA)
    connection = {
      database,
      read: database.query<Row, [string]>('SELECT url, etag, last_modified, stored_at_ms, max_age_ms, body FROM entries_v1 WHERE key = ?'),
      write: database.query('INSERT OR REPLACE INTO entries_v1 (key, url, etag, last_modified, stored_at_ms, max_age_ms, body) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    }
  } catch {
    connection = null
  }
  connections.set(cacheRoot, connection)
  for (const [root, oldest] of connections) {
    if (connections.size <= OPEN_AT_MOST) break
    connections.delete(root)
    oldest?.database.close()
  }
  return connection
}

/** Rows written by this code have these types; anything else (a damaged file) is a miss. */
function isRow(row: Row): boolean {
  const stringOrNull = (value: unknown) => value === null || typeof value === 'string'
  return typeof row.url === 'string'
    && stringOrNull(row.etag)
    && stringOrNull(row.last_modified)
    && typeof row.stored_at_ms === 'number'
    && (row.max_age_ms === null || typeof row.max_age_ms === 'number')
    && (typeof row.body === 'string' || row.body instanceof Uint8Array)
}
