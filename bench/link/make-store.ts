/**
 * Builds a fake store from a project that npm installed: one folder per installed package
 * (its files hardlinked, without its nested node_modules) and one plan file listing, per
 * package, its node_modules location, its store folder and its PackageIndex.
 *
 *   bun bench/link/make-store.ts <project dir> <store dir>
 */
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { countPaths, joinPaths, type PackageIndex } from '../../src/tarball/index.ts'

export interface PlannedPackage {
  location: string
  storeKey: string
  index: PackageIndex
  bin?: Record<string, string>
}

export const PLAN_FILE = 'plan.json'

function storePackage(packageDir: string, storeDir: string): PackageIndex {
  const dirs: string[] = []
  const files: string[] = []
  const sizes: number[] = []
  mkdirSync(storeDir, { recursive: true })
  const queue = ['']
  for (let i = 0; i < queue.length; i++) {
    const rel = queue[i] as string
    for (const entry of readdirSync(path.join(packageDir, rel), { withFileTypes: true })) {
      const relPath = rel === '' ? entry.name : `${rel}/${entry.name}`
      if (rel === '' && entry.name === 'node_modules') continue
      if (entry.isDirectory()) {
        dirs.push(relPath)
        mkdirSync(path.join(storeDir, relPath))
        queue.push(relPath)
      } else if (entry.isFile()) {
        linkSync(path.join(packageDir, relPath), path.join(storeDir, relPath))
        files.push(relPath)
        sizes.push(statSync(path.join(storeDir, relPath)).size)
      }
    }
  }
  return { dirs: joinPaths(dirs), files: joinPaths(files), sizes: sizes.join(',') }
}

function main(projectDir: string, storeDir: string): void {
  const lock = JSON.parse(readFileSync(path.join(projectDir, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { link?: boolean; bin?: Record<string, string> }>
  }
  const plan: PlannedPackage[] = []
  for (const [location, entry] of Object.entries(lock.packages)) {
    if (location === '' || entry.link || !existsSync(path.join(projectDir, location))) continue
    const storeKey = String(plan.length)
    const index = storePackage(path.join(projectDir, location), path.join(storeDir, storeKey))
    plan.push({ location, storeKey, index, ...(entry.bin ? { bin: entry.bin } : {}) })
  }
  writeFileSync(path.join(storeDir, PLAN_FILE), JSON.stringify(plan))
  const files = plan.reduce((sum, item) => sum + countPaths(item.index.files), 0)
  const dirs = plan.reduce((sum, item) => sum + countPaths(item.index.dirs) + 1, 0)
  console.log(JSON.stringify({ packages: plan.length, files, dirs }))
}

if (import.meta.main) {
  const [projectDir, storeDir] = process.argv.slice(2)
  if (!projectDir || !storeDir) throw new Error('usage: bun bench/link/make-store.ts <project dir> <store dir>')
  main(path.resolve(projectDir), path.resolve(storeDir))
}
