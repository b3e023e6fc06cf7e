/** One line per path below `root` (kind, mode, and a hash of the bytes of files), sorted. */
import fs from 'node:fs'
import path from 'node:path'

export function describeTree(root: string, options: { skipNodeModules?: boolean } = {}): string[] {
  const lines: string[] = []
  for (const dirent of fs.readdirSync(root, { withFileTypes: true, recursive: true })) {
    const full = path.join(dirent.parentPath, dirent.name)
    const rel = path.relative(root, full)
    if (options.skipNodeModules && (rel === 'node_modules' || rel.startsWith('node_modules/'))) continue
    const stat = fs.lstatSync(full)
    const kind = stat.isSymbolicLink() ? 'link' : stat.isDirectory() ? 'dir' : 'file'
    const hash = kind === 'file' ? Bun.hash(fs.readFileSync(full)).toString(16) : ''
    lines.push(`${rel} ${kind} ${(stat.mode & 0o7777).toString(8)} ${hash}`)
  }
  return lines.sort()
}
