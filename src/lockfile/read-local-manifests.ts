import path from 'node:path'
import { classifySpec } from './classify-spec.ts'
import { specFolder } from './dep-valid.ts'
import { isInNodeModules } from './location.ts'
import { dependencyMap } from './manifest.ts'
import { isMissingFile, readPackageJson } from './read-package-json.ts'
import type { Lockfile } from './types.ts'
import { workspacePatterns } from './workspaces.ts'

/**
 * package.json of every folder outside node_modules that the sync check needs from disk:
 * the workspaces the root's `workspaces` patterns match now (as npm's map-workspaces globs
 * them), and each such folder the lockfile lists (workspaces, `file:` links). A folder
 * without package.json is left out, and the lockfile's entry stands in for it.
 */
export async function readLocalManifests(
  projectDir: string,
  packageJson: Record<string, unknown>,
  lock: Lockfile,
): Promise<Map<string, Record<string, unknown>>> {
  const manifests = new Map<string, Record<string, unknown>>()
  const read = async (location: string) => {
    if (manifests.has(location)) return
    try {
      manifests.set(location, (await readPackageJson(path.join(projectDir, location))).data)
    } catch (error) {
      if (!isMissingFile(error)) throw error
    }
  }
  for (const pattern of workspacePatterns(packageJson)) {
    if (pattern.startsWith('!')) continue
    for await (const file of new Bun.Glob(`${pattern}/package.json`).scan({ cwd: projectDir, onlyFiles: true })) {
      const folder = path.dirname(file).split(path.sep).join('/')
      if (!folder.split('/').includes('node_modules')) await read(folder)
    }
  }
  for (const location of lock.packages.keys()) {
    if (location !== '' && !isInNodeModules(location)) await read(location)
  }
  for (const [from, manifest] of [['', packageJson] as const, ...manifests]) {
    for (const folder of folderDependencies(projectDir, from, manifest)) await read(folder)
  }
  return manifests
}

/** Folders that `file:` folder dependencies of a root or workspace package.json point at. */
function folderDependencies(projectDir: string, fromFolder: string, manifest: Record<string, unknown>): string[] {
  const folders: string[] = []
  for (const field of ['dependencies', 'optionalDependencies', 'devDependencies', 'peerDependencies']) {
    for (const spec of Object.values(dependencyMap(manifest, field))) {
      const parsed = classifySpec(spec)
      if (parsed.type === 'directory') folders.push(specFolder({ projectDir, fromFolder }, parsed.path))
    }
  }
  return folders
}
