import path from 'node:path'
import { isMissingFile, readPackageJson } from './read-package-json.ts'
import { isV1Lockfile, lockfileFromJson, parseLockfile, parseLockfileJson } from './parse-lockfile.ts'
import type { Lockfile } from './types.ts'

/**
 * The project's lockfile: npm-shrinkwrap.json wins over package-lock.json, as in npm; an
 * empty file counts as absent (npm reads it as ''). Undefined when neither exists.
 */
export async function readLockfile(projectDir: string): Promise<Lockfile | undefined> {
  for (const kind of ['npm-shrinkwrap.json', 'package-lock.json'] as const) {
    const file = path.join(projectDir, kind)
    const text = await readTextIfPresent(file)
    if (text === undefined || text === '') continue
    const data = parseLockfileJson(text, file)
    const rootManifest = isV1Lockfile(data) ? await readRootManifest(projectDir) : undefined
    return lockfileFromJson(data, { file, kind, ...(rootManifest && { rootManifest }) })
  }
  return undefined
}

/**
 * node_modules/.package-lock.json, or undefined when absent or unreadable: it is a cache of
 * what is installed, and npm ignores one it cannot parse.
 */
export async function readHiddenLockfile(projectDir: string): Promise<Lockfile | undefined> {
  const file = hiddenLockfilePath(projectDir)
  const text = await readTextIfPresent(file)
  if (text === undefined || text === '') return undefined
  try {
    return parseLockfile(text, { file, kind: 'hidden' })
  } catch {
    return undefined
  }
}

export function hiddenLockfilePath(projectDir: string): string {
  return path.join(projectDir, 'node_modules', '.package-lock.json')
}

async function readTextIfPresent(file: string): Promise<string | undefined> {
  try {
    return await Bun.file(file).text()
  } catch (error) {
    if (isMissingFile(error)) return undefined
    throw error
  }
}

async function readRootManifest(projectDir: string): Promise<Record<string, unknown>> {
  try {
    return (await readPackageJson(projectDir)).data
  } catch (error) {
    if (isMissingFile(error)) return {}
    throw error
  }
}
