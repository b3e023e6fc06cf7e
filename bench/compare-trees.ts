/**
 * File-by-file comparison of two folders (two node_modules trees built from the same lockfile).
 *
 * Every entry is compared by its path and type (file, directory, symlink, other). Files are
 * compared by size and SHA-256 of their bytes and by their full mode (permission, setuid/gid
 * and sticky bits); symlinks by the exact text of their target. Paths listed in ignoreContent
 * must exist on both sides with the same type and mode, but their bytes are not compared.
 * Timestamps, owners and link counts are not compared.
 */
import fs from 'node:fs'
import path from 'node:path'

export type EntryType = 'file' | 'dir' | 'symlink' | 'other'

export interface TreeEntry {
  type: EntryType
  /** st_mode & 0o7777 */
  mode: number
  size: number
  /** sha256 hex of a file's bytes; undefined for other types and for ignored files */
  hash?: string
  /** a symlink's target exactly as stored */
  target?: string
}

export type Difference =
  | { kind: 'only-left'; path: string; type: EntryType }
  | { kind: 'only-right'; path: string; type: EntryType }
  | { kind: 'type'; path: string; left: EntryType; right: EntryType }
  | { kind: 'content'; path: string; leftSize: number; rightSize: number }
  | { kind: 'mode'; path: string; left: number; right: number }
  | { kind: 'symlink'; path: string; left: string; right: string }

export interface CompareOptions {
  /** paths relative to the roots whose bytes are not compared */
  ignoreContent?: ReadonlySet<string>
}

function entryType(stat: fs.Stats): EntryType {
  if (stat.isSymbolicLink()) return 'symlink'
  if (stat.isDirectory()) return 'dir'
  if (stat.isFile()) return 'file'
  return 'other'
}

function hashFile(file: string): string {
  const hasher = new Bun.CryptoHasher('sha256')
  hasher.update(fs.readFileSync(file))
  return hasher.digest('hex')
}

/** All entries below root (root itself excluded), keyed by their '/'-separated relative path. */
export function snapshotTree(root: string, options: CompareOptions = {}): Map<string, TreeEntry> {
  const entries = new Map<string, TreeEntry>()
  const pending = ['']
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const dir = next === '' ? root : path.join(root, next)
    for (const name of fs.readdirSync(dir)) {
      const rel = next === '' ? name : `${next}/${name}`
      const abs = path.join(root, rel)
      const stat = fs.lstatSync(abs)
      const type = entryType(stat)
      const entry: TreeEntry = { type, mode: stat.mode & 0o7777, size: stat.size }
      if (type === 'dir') pending.push(rel)
      if (type === 'symlink') entry.target = fs.readlinkSync(abs)
      if (type === 'file' && !options.ignoreContent?.has(rel)) entry.hash = hashFile(abs)
      entries.set(rel, entry)
    }
  }
  return entries
}

function compareEntry(rel: string, left: TreeEntry, right: TreeEntry): Difference[] {
  if (left.type !== right.type) return [{ kind: 'type', path: rel, left: left.type, right: right.type }]
  if (left.type === 'symlink' && left.target !== right.target) {
    return [{ kind: 'symlink', path: rel, left: left.target ?? '', right: right.target ?? '' }]
  }
  if (left.type !== 'file') return []
  const differences: Difference[] = []
  const ignored = left.hash === undefined && right.hash === undefined
  if (!ignored && (left.size !== right.size || left.hash !== right.hash)) {
    differences.push({ kind: 'content', path: rel, leftSize: left.size, rightSize: right.size })
  }
  if (left.mode !== right.mode) differences.push({ kind: 'mode', path: rel, left: left.mode, right: right.mode })
  return differences
}

/** The differences between two snapshots, sorted by path. */
export function compareSnapshots(left: ReadonlyMap<string, TreeEntry>, right: ReadonlyMap<string, TreeEntry>): Difference[] {
  const differences: Difference[] = []
  for (const [rel, leftEntry] of left) {
    const rightEntry = right.get(rel)
    if (rightEntry === undefined) differences.push({ kind: 'only-left', path: rel, type: leftEntry.type })
    else differences.push(...compareEntry(rel, leftEntry, rightEntry))
  }
  for (const [rel, rightEntry] of right) {
    if (!left.has(rel)) differences.push({ kind: 'only-right', path: rel, type: rightEntry.type })
  }
  return differences.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

export function compareTrees(leftRoot: string, rightRoot: string, options: CompareOptions = {}): Difference[] {
  return compareSnapshots(snapshotTree(leftRoot, options), snapshotTree(rightRoot, options))
}

export function countByKind(differences: readonly Difference[]): Record<Difference['kind'], number> {
  const counts = { 'only-left': 0, 'only-right': 0, type: 0, content: 0, mode: 0, symlink: 0 }
  for (const difference of differences) counts[difference.kind]++
  return counts
}

export function describeDifference(difference: Difference, leftName: string, rightName: string): string {
  const octal = (mode: number): string => mode.toString(8).padStart(4, '0')
  switch (difference.kind) {
    case 'only-left':
      return `${difference.path}: ${difference.type} only in ${leftName}`
    case 'only-right':
      return `${difference.path}: ${difference.type} only in ${rightName}`
    case 'type':
      return `${difference.path}: ${difference.left} in ${leftName}, ${difference.right} in ${rightName}`
    case 'content':
      return `${difference.path}: bytes differ (${leftName} ${difference.leftSize} B, ${rightName} ${difference.rightSize} B)`
    case 'mode':
      return `${difference.path}: mode ${octal(difference.left)} in ${leftName}, ${octal(difference.right)} in ${rightName}`
    case 'symlink':
      return `${difference.path}: symlink to "${difference.left}" in ${leftName}, "${difference.right}" in ${rightName}`
  }
}
