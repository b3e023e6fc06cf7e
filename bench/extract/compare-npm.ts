/**
 * Checks the extractor against npm itself: each package that `npm ci` installed in
 * <npm-project>/node_modules is extracted again from the same tarball and compared file by file
 * (names, bytes, modes) and folder by folder.
 *
 *   cp fixtures/medium/package*.json /tmp/p && (cd /tmp/p && npm ci --ignore-scripts)
 *   bun bench/extract/compare-npm.ts /tmp/p
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { countPaths, extractTarball, splitPaths } from '../../src/tarball/index.ts'
import { loadTarballs } from './load-tarballs.ts'

interface Tree {
  dirs: Set<string>
  files: Map<string, { mode: number; bytes: Buffer }>
}

/** Walks a package folder; the folder's own node_modules holds other packages and is skipped. */
function readTree(root: string): Tree {
  const tree: Tree = { dirs: new Set(), files: new Map() }
  const walk = (rel: string): void => {
    for (const dirent of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = rel === '' ? dirent.name : `${rel}/${dirent.name}`
      if (child === 'node_modules') continue
      const full = path.join(root, child)
      const stat = fs.lstatSync(full)
      if (stat.isDirectory()) {
        tree.dirs.add(`${child} ${(stat.mode & 0o7777).toString(8)}`)
        walk(child)
      } else if (stat.isSymbolicLink()) {
        tree.files.set(child, { mode: -1, bytes: Buffer.from(fs.readlinkSync(full)) })
      } else {
        tree.files.set(child, { mode: stat.mode & 0o7777, bytes: fs.readFileSync(full) })
      }
    }
  }
  walk('')
  return tree
}

function diffTrees(npm: Tree, ours: Tree): string[] {
  const problems: string[] = []
  for (const dir of npm.dirs) if (!ours.dirs.has(dir)) problems.push(`dir missing or mode differs: ${dir}`)
  for (const dir of ours.dirs) if (!npm.dirs.has(dir)) problems.push(`extra dir: ${dir}`)
  for (const [file, expected] of npm.files) {
    const actual = ours.files.get(file)
    if (!actual) problems.push(`missing file: ${file}`)
    else if (actual.mode !== expected.mode) problems.push(`mode ${file}: npm ${expected.mode.toString(8)}, ours ${actual.mode.toString(8)}`)
    else if (!actual.bytes.equals(expected.bytes)) problems.push(`bytes differ: ${file}`)
  }
  for (const file of ours.files.keys()) if (!npm.files.has(file)) problems.push(`extra file: ${file}`)
  return problems
}

const project = process.argv[2]
if (!project) throw new Error('usage: compare-npm.ts <folder where npm ci ran>')
const tarballs = await loadTarballs(path.join(project, 'package-lock.json'), path.join(os.tmpdir(), 'skiff-bench-tarballs'))
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-compare-'))
let compared = 0
let files = 0
let failed = 0
for (const tarball of tarballs) {
  const npmDir = path.join(project, tarball.location)
  if (!fs.existsSync(npmDir)) continue
  const dest = path.join(scratch, String(compared))
  fs.mkdirSync(dest)
  const result = await extractTarball(tarball.bytes, dest, { pkg: tarball.pkg })
  const ours = readTree(dest)
  const problems = diffTrees(readTree(npmDir), ours)
  const indexed = new Set(splitPaths(result.index.files))
  for (const file of ours.files.keys()) {
    if (!indexed.has(file)) problems.push(`index disagrees with disk: ${file}`)
  }
  if (indexed.size !== ours.files.size || countPaths(result.index.dirs) !== ours.dirs.size) problems.push('index disagrees with disk')
  compared++
  files += ours.files.size
  if (problems.length > 0) {
    failed++
    console.log(`${tarball.pkg}:\n  ${problems.slice(0, 10).join('\n  ')}`)
  }
}
fs.rmSync(scratch, { recursive: true, force: true })
console.log(`${compared} packages, ${files} files compared with npm; ${failed} differ`)
process.exit(failed === 0 ? 0 : 1)
