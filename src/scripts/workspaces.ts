/**
 * The workspaces `skiff run -w / --workspaces` and `skiff exec -w` act on: the folders the
 * root's `workspaces` globs match that hold a package.json, selected by name or path
 * (`-w a -w packages/b`), and ordered so that a workspace comes after the workspaces it
 * depends on (then by folder).
 */
import path from 'node:path'
import { SkiffError } from '../error/index.ts'
import { readPackageJson } from '../lockfile/index.ts'

export interface Workspace {
  name: string
  dir: string
  manifest: Record<string, unknown>
}

export async function findWorkspaceFolders(rootDir: string, rootManifest: Readonly<Record<string, unknown>>): Promise<Workspace[]> {
  const raw = rootManifest.workspaces
  const list = Array.isArray(raw) ? raw : typeof raw === 'object' && raw !== null && Array.isArray((raw as { packages?: unknown }).packages) ? (raw as { packages: unknown[] }).packages : []
  const patterns = list.filter((item): item is string => typeof item === 'string').map((item) => item.replace(/^(!?)\.\//, '$1').replace(/\/+$/, ''))
  const exclude = patterns.filter((pattern) => pattern.startsWith('!')).map((pattern) => new Bun.Glob(pattern.slice(1)))
  const folders = new Set<string>()
  for (const pattern of patterns.filter((item) => !item.startsWith('!'))) {
    for await (const file of new Bun.Glob(`${pattern}/package.json`).scan({ cwd: rootDir, onlyFiles: true })) {
      const folder = path.posix.dirname(file.split(path.sep).join('/'))
      if (folder.split('/').includes('node_modules') || exclude.some((glob) => glob.match(folder))) continue
      folders.add(folder)
    }
  }
  const workspaces: Workspace[] = []
  for (const folder of [...folders].sort()) {
    const dir = path.join(rootDir, folder)
    const manifest = await readPackageJson(dir).then((file) => file.data)
    workspaces.push({ name: typeof manifest.name === 'string' && manifest.name !== '' ? manifest.name : path.basename(dir), dir, manifest })
  }
  return workspaces
}

/** The workspaces named by `-w` (a name, or a folder relative to cwd), or all of them. */
export function selectWorkspaces(all: readonly Workspace[], filters: readonly string[], cwd: string): Workspace[] {
  if (filters.length === 0) return [...all]
  const selected: Workspace[] = []
  for (const filter of filters) {
    const dir = path.resolve(cwd, filter)
    const found = all.filter((workspace) => workspace.name === filter || workspace.dir === dir || workspace.dir.startsWith(`${dir}${path.sep}`))
    if (found.length === 0) throw new SkiffError('EUSAGE', `No workspaces found: --workspace=${filter}`)
    for (const workspace of found) if (!selected.includes(workspace)) selected.push(workspace)
  }
  return selected
}

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']

/** Dependencies first (a stable topological order); a cycle keeps the given order. */
export function dependencyOrder(workspaces: readonly Workspace[]): Workspace[] {
  const byName = new Map(workspaces.map((workspace) => [workspace.name, workspace]))
  const ordered: Workspace[] = []
  const state = new Map<Workspace, 'visiting' | 'done'>()
  const visit = (workspace: Workspace) => {
    if (state.has(workspace)) return
    state.set(workspace, 'visiting')
    for (const field of DEPENDENCY_FIELDS) {
      const deps = workspace.manifest[field]
      if (typeof deps !== 'object' || deps === null) continue
      for (const name of Object.keys(deps)) {
        const dependency = byName.get(name)
        if (dependency !== undefined && dependency !== workspace) visit(dependency)
      }
    }
    state.set(workspace, 'done')
    ordered.push(workspace)
  }
  for (const workspace of workspaces) visit(workspace)
  return ordered
}
