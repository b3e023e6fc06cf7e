/**
 * The on-disk metadata cache: one file per (URL, document kind) under `<cache>/v1/meta/`,
 * named by the sha256 of both. A file is one JSON line of validators (ETag,
 * Last-Modified, when stored, max-age), a newline, then the body exactly as received.
 * Writes go to a temp file beside the target and are renamed into place, so a reader sees
 * an old entry or a new one, never half of one. An unreadable entry is a miss.
 */
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

export interface CacheEntry {
  url: string
  etag: string | null
  lastModified: string | null
  storedAtMs: number
  /** from Cache-Control max-age; null: revalidate every time */
  maxAgeMs: number | null
  body: string
}

export function cacheFile(cacheRoot: string, url: string, kind: 'corgi' | 'full' | 'version'): string {
  const key = createHash('sha256').update(`${kind}\n${url}`).digest('hex')
  return path.join(cacheRoot, 'v1', 'meta', key)
}

export async function readCacheEntry(file: string): Promise<CacheEntry | undefined> {
  let text: string
  try {
    text = await fs.promises.readFile(file, 'utf8')
  } catch {
    return undefined
  }
  const newline = text.indexOf('\n')
  if (newline === -1) return undefined
  try {
    const meta: unknown = JSON.parse(text.slice(0, newline))
    if (!isMeta(meta)) return undefined
    return { ...meta, body: text.slice(newline + 1) }
  } catch {
    return undefined
  }
}

export async function writeCacheEntry(file: string, entry: CacheEntry): Promise<void> {
  const { body, ...meta } = entry
  await fs.promises.mkdir(path.dirname(file), { recursive: true })
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  try {
    await fs.promises.writeFile(temp, `${JSON.stringify(meta)}\n${body}`)
    await fs.promises.rename(temp, file)
  } catch (error) {
    await fs.promises.rm(temp, { force: true })
    throw error
  }
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

function isMeta(value: unknown): value is Omit<CacheEntry, 'body'> {
  if (typeof value !== 'object' || value === null) return false
  const meta = value as Record<string, unknown>
  const stringOrNull = (field: unknown) => field === null || typeof field === 'string'
  return typeof meta.url === 'string'
    && stringOrNull(meta.etag)
    && stringOrNull(meta.lastModified)
    && typeof meta.storedAtMs === 'number'
    && (meta.maxAgeMs === null || typeof meta.maxAgeMs === 'number')
}
