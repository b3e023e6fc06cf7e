import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { joinPaths, type PackageIndex } from '../../src/tarball/index.ts'

export interface TempDir extends Disposable {
  dir: string
}

export function makeTempDir(): TempDir {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-'))
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) }
}

export interface FakeFile {
  path: string
  content: string
  mode?: number
}

export interface StoredPackage {
  srcDir: string
  index: PackageIndex
}

/** Writes a package folder as the store keeps it, with the index the extractor would write. */
export function storePackage(storeDir: string, key: string, files: readonly FakeFile[]): StoredPackage {
  const srcDir = path.join(storeDir, key)
  const dirs = new Set<string>()
  for (const file of files) {
    const parts = file.path.split('/').slice(0, -1)
    for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join('/'))
  }
  const sortedDirs = [...dirs].sort((a, b) => a.split('/').length - b.split('/').length)
  mkdirSync(srcDir, { recursive: true })
  for (const dir of sortedDirs) mkdirSync(path.join(srcDir, dir))
  for (const file of files) {
    const target = path.join(srcDir, file.path)
    writeFileSync(target, file.content)
    chmodSync(target, file.mode ?? 0o644)
  }
  return {
    srcDir,
    index: { dirs: joinPaths(sortedDirs), files: joinPaths(files.map((file) => file.path)), sizes: files.map((file) => Buffer.byteLength(file.content)).join(',') },
  }
}

/**
 * A package as the store keeps it: its files in `<key>/content`, then the marker `<key>/index.json`
 * written last (the stored files are checked against the marker's mtime and the index's sizes).
 */
export function storeEntry(storeDir: string, key: string, files: readonly FakeFile[]): StoredPackage {
  const stored = storePackage(path.join(storeDir, key), 'content', files)
  writeFileSync(path.join(storeDir, key, 'index.json'), JSON.stringify({ index: stored.index }))
  return stored
}
