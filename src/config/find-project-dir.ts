/**
 * The project root, as npm's `localPrefix`: the nearest folder from `cwd` upward that holds
 * a package.json or a node_modules folder; then, further up, a folder whose package.json
 * lists that one among its `workspaces` is the root instead. No such folder: `cwd`.
 */
import fs from 'node:fs'
import path from 'node:path'

export async function findProjectDir(cwd: string): Promise<string> {
  let found: string | undefined
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const manifest = await readManifest(dir)
    if (found === undefined) {
      if (manifest !== undefined || isDirectory(path.join(dir, 'node_modules'))) found = dir
    } else if (manifest !== undefined && isWorkspaceOf(manifest, dir, found)) {
      return dir
    }
    if (path.dirname(dir) === dir) break
  }
  return found ?? path.resolve(cwd)
}

async function readManifest(dir: string): Promise<unknown> {
  try {
    const parsed: unknown = JSON.parse(await fs.promises.readFile(path.join(dir, 'package.json'), 'utf8'))
    return parsed ?? {}
  } catch {
    // a package.json that is not JSON still marks a project root; it just lists no workspaces
    return fs.existsSync(path.join(dir, 'package.json')) ? {} : undefined
  }
}

function isDirectory(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory()
  } catch {
    return false
  }
}

function workspacePatterns(manifest: unknown): string[] {
  if (typeof manifest !== 'object' || manifest === null || !('workspaces' in manifest)) return []
  const workspaces: unknown = manifest.workspaces
  const list: unknown = Array.isArray(workspaces)
    ? workspaces
    : typeof workspaces === 'object' && workspaces !== null && 'packages' in workspaces
      ? workspaces.packages
      : []
  return Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : []
}

function isWorkspaceOf(manifest: unknown, rootDir: string, candidate: string): boolean {
  const relative = path.relative(rootDir, candidate).split(path.sep).join('/')
  return workspacePatterns(manifest)
    .filter((pattern) => !pattern.startsWith('!'))
    .map((pattern) => pattern.replace(/^\.\//, '').replace(/\/+$/, ''))
    .some((pattern) => new Bun.Glob(pattern).match(relative))
}
