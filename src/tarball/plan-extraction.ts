/**
 * Decides what extracting a package tarball writes, with no I/O, so that the result equals what
 * npm 11 (pacote's tar options, node-tar's unpacker, umask 0o022) leaves on disk:
 * 1. Only files are extracted. pacote's filter drops hard and symbolic links, directories,
 *    devices and fifos; folders exist as the parents of files, with mode 0o755.
 * 2. A `.gitignore` file is renamed `.npmignore` unless a `.npmignore` of the same folder came
 *    before it (npm pack treats one like the other); this looks at the archive's own names.
 * 3. The first path component is dropped whatever its name (tar's strip: 1), so differently
 *    named top folders merge; a file at the top level has no place and is dropped.
 * 4. An absolute name, or one whose `..` climbs out of the archive or of the package, refuses
 *    the tarball (EBADTARBALL; npm warns and skips it). Other names holding `..` are skipped
 *    and a root left after the strip is removed, as node-tar does.
 * 5. A later entry of the same name replaces the file; a "0" entry keeps the mode of the file it
 *    replaces (node-tar reuses the inode and never chmods), a "7" one brings its own. A file never replaces a
 *    folder, nor goes below a file: the first one stays, as with node-tar.
 * 6. Mode: npm opens files with (header mode | 0o666) under umask 0o022, that is 0o644 plus the
 *    header's execute bits. Unlike npm, setuid/setgid/sticky bits are never kept.
 */
import { posix, win32 } from 'node:path'
import { SkiffError } from '../error/index.ts'
import type { TarEntry } from './parse-tar.ts'

export interface PlannedFile {
  /** relative path inside the package, "/" separated */
  path: string
  mode: number
  /** the bytes come from the tar stream at [offset, offset + size) */
  offset: number
  size: number
}

export interface ExtractionPlan {
  /** folders to create, parents before children */
  dirs: string[]
  /** by path, in the order they were first met */
  files: Map<string, PlannedFile>
  /** sum of the sizes of `files` */
  unpackedBytes: number
}

const MAY_HAVE_ROOT = /^([\\/]|[A-Za-z]:)/
/** node-tar's default limit on path depth */
const MAX_DEPTH = 1024

export function planExtraction(entries: readonly TarEntry[], pkg: string, maxUnpackedBytes: number): ExtractionPlan {
  const dirs: string[] = []
  const files = new Map<string, PlannedFile>()
  const kinds = new Map<string, 'file' | 'dir'>()
  const seenNpmignore = new Set<string>()
  for (const entry of entries) {
    const rawPath = entry.kind === 'file' ? renameGitignore(entry.path, seenNpmignore) : entry.path
    const path = rawPath === undefined ? undefined : packagePath(rawPath, pkg)
    if (path === undefined || path === '' || entry.kind !== 'file') continue
    if (!placeParents(path, kinds, dirs) || kinds.get(path) === 'dir') continue
    kinds.set(path, 'file')
    const previous = files.get(path)
    const mode = previous && entry.typeflag === '0' ? previous.mode : fileMode(entry.mode)
    files.set(path, { path, mode, offset: entry.offset, size: entry.size })
  }
  let unpackedBytes = 0
  for (const file of files.values()) unpackedBytes += file.size
  if (unpackedBytes > maxUnpackedBytes) {
    throw new SkiffError('EBADTARBALL', `${pkg}: tarball unpacks to ${unpackedBytes} bytes, more than the limit of ${maxUnpackedBytes}`, {
      pkg,
      hint: 'a package this large is likely hostile (a decompression bomb); nothing was written',
    })
  }
  return { dirs, files, unpackedBytes }
}

/** 0o644 plus the header's execute bits. */
export function fileMode(headerMode: number): number {
  return 0o644 | (headerMode & 0o111)
}

/** pacote's rename: `undefined` when the file is dropped because a `.npmignore` came first. */
function renameGitignore(rawPath: string, seenNpmignore: Set<string>): string | undefined {
  const base = posix.basename(rawPath)
  if (base === '.npmignore') seenNpmignore.add(rawPath)
  if (base !== '.gitignore') return rawPath
  const renamed = rawPath.replace(/\.gitignore$/, '.npmignore')
  return seenNpmignore.has(renamed) ? undefined : renamed
}

/**
 * The path inside the package ("" for the package root), or `undefined` when node-tar would skip
 * the entry. Throws for names that are absolute or climb out.
 */
export function packagePath(rawPath: string, pkg: string): string | undefined {
  if (splitRoot(rawPath)[0] !== '') throw refuse(pkg, rawPath, 'is an absolute path')
  const parts = rawPath.split('/')
  if (parts.length - 1 > MAX_DEPTH) return undefined
  const [, stripped] = splitRoot(parts.slice(1).join('/'))
  const rawPieces = rawPath.split(/[\\/]/)
  if (rawPieces.includes('..')) {
    const pieces = stripped.split(/[\\/]/)
    if (climbsOut(rawPieces) || climbsOut(pieces)) throw refuse(pkg, rawPath, 'climbs out of the package with ".."')
    if (pieces.includes('..')) return undefined
  }
  return stripped
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/')
}

function climbsOut(pieces: readonly string[]): boolean {
  let depth = 0
  for (const piece of pieces) {
    if (piece === '..') depth--
    else if (piece !== '' && piece !== '.') depth++
    if (depth < 0) return true
  }
  return false
}

/**
 * node-tar's root stripping: a leading "/" one at a time, or whatever Windows calls a root
 * ("C:", "\\", "//server/share/"), until none is left. Returns [root removed, rest].
 */
function splitRoot(path: string): [string, string] {
  let removed = ''
  let rest = path
  for (;;) {
    if (!MAY_HAVE_ROOT.test(rest)) return [removed, rest]
    const root = rest.startsWith('/') && !rest.startsWith('//?/') ? '/' : win32.parse(rest).root
    if (root === '') return [removed, rest]
    removed += root
    rest = rest.slice(root.length)
  }
}

/**
 * Records the parent folders of `path` (creating the missing ones, parents first). `false` when
 * one of them is already a file: node-tar's mkdir then fails and the entry is skipped.
 */
function placeParents(path: string, kinds: Map<string, 'file' | 'dir'>, dirs: string[]): boolean {
  let slash = path.indexOf('/')
  const missing: string[] = []
  while (slash >= 0) {
    const parent = path.slice(0, slash)
    const kind = kinds.get(parent)
    if (kind === 'file') return false
    if (kind === undefined) missing.push(parent)
    slash = path.indexOf('/', slash + 1)
  }
  for (const dir of missing) {
    kinds.set(dir, 'dir')
    dirs.push(dir)
  }
  return true
}

function refuse(pkg: string, rawPath: string, fact: string): SkiffError {
  return new SkiffError('EBADTARBALL', `${pkg}: tarball entry "${rawPath}" ${fact}`, {
    pkg,
    path: rawPath,
    hint: 'the tarball is malformed or hostile; nothing outside its staging folder was written',
  })
}
