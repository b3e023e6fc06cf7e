/**
 * The packages installed in a project's node_modules, by lock location: the hidden lockfile
 * (node_modules/.package-lock.json) when there is one, else the entries of package-lock.json
 * whose folder exists. `rebuild` and `install-scripts` work from it instead of walking
 * node_modules, as the hidden lockfile is what an install left.
 */
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { isInNodeModules, readHiddenLockfile, readLockfile, type LockEntry } from '../lockfile/index.ts'

export interface InstalledTree {
  /** packages in node_modules (links included) */
  installed: Map<string, LockEntry>
  /** every entry of the lockfile read, folders outside node_modules too (link targets) */
  entries: ReadonlyMap<string, LockEntry>
}

export async function readInstalledTree(projectDir: string): Promise<InstalledTree> {
  const hidden = await readHiddenLockfile(projectDir).catch(() => undefined)
  const source = hidden ?? (await readLockfile(projectDir))
  const installed = new Map<string, LockEntry>()
  for (const [location, entry] of source?.packages ?? []) {
    if (location === '' || !isInNodeModules(location)) continue
    if (hidden === undefined && !(await exists(path.join(projectDir, location)))) continue
    installed.set(location, entry)
  }
  return { installed, entries: source?.packages ?? new Map() }
}

async function exists(dir: string): Promise<boolean> {
  return stat(dir).then(() => true, () => false)
}
