/**
 * Reads what the install scripts of an installed tree are. The lockfile says which packages
 * have them (`hasInstallScript`) but not what they are, so those package.json files are read
 * from disk, as arborist does for a lockfile install. A package made by this install without
 * the flag is still checked for a binding.gyp (npm's implicit `node-gyp rebuild`). Linked
 * folders are read from their target folder. Packages with no install script are left out.
 */
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { depth, isInNodeModules, nameFromLocation, readPackageJson, type LockEntry } from '../lockfile/index.ts'
import type { PolicyNode } from './allow-scripts.ts'
import { installScriptsOf, type BuildNode } from './plan-build.ts'

/** package.json files read at once */
const READ_CONCURRENCY = 32

export async function collectBuildNodes(
  projectDir: string,
  installed: ReadonlyMap<string, LockEntry>,
  built: ReadonlySet<string>,
): Promise<BuildNode[]> {
  const candidates = [...installed].filter(([location]) => location !== '' && isInNodeModules(location))
  const nodes: BuildNode[] = []
  for (let start = 0; start < candidates.length; start += READ_CONCURRENCY) {
    const batch = candidates.slice(start, start + READ_CONCURRENCY)
    const read = await Promise.all(batch.map(([location, entry]) => buildNodeOf(projectDir, location, entry, built.has(location))))
    for (const node of read) if (node !== undefined) nodes.push(node)
  }
  return nodes
}

async function buildNodeOf(projectDir: string, location: string, entry: LockEntry, built: boolean): Promise<BuildNode | undefined> {
  const isLink = entry.link === true
  const dir = isLink ? path.resolve(projectDir, entry.resolved ?? location) : path.join(projectDir, location)
  const flagged = isLink || entry.hasInstallScript === true
  const hasBindingGyp = flagged || built ? await isFile(path.join(dir, 'binding.gyp')) : false
  if (!flagged && !hasBindingGyp) return undefined
  const manifest = await readPackageJson(dir).then((file) => file.data).catch(() => undefined)
  if (manifest === undefined) return undefined
  const scripts = installScriptsOf(manifest, { hasBindingGyp, isLink })
  if (Object.keys(scripts).length === 0) return undefined
  const version = entry.version ?? (typeof manifest.version === 'string' ? manifest.version : undefined)
  return {
    location,
    dir,
    depth: depth(location),
    pkg: `${entry.name ?? nameFromLocation(location)}@${version ?? ''}`,
    manifest,
    scripts,
    isLink,
    own: isLink,
    optional: entry.optional === true,
    built,
    policy: policyNodeOf(location, entry),
    env: dependencyEnv(entry, dir),
  }
}

/** What the allowScripts policy knows of an installed package: its lockfile entry. */
export function policyNodeOf(location: string, entry: LockEntry): PolicyNode {
  return {
    name: nameFromLocation(location),
    ...(entry.version === undefined ? {} : { version: entry.version }),
    ...(entry.resolved === undefined ? {} : { resolved: entry.resolved }),
    ...(entry.name === undefined ? {} : { lockedName: entry.name }),
    ...(entry.inBundle ? { inBundle: true } : {}),
  }
}

/** The npm_package_* values arborist adds for a dependency's scripts. */
function dependencyEnv(entry: LockEntry, dir: string): Record<string, string> {
  const flag = (value: boolean | undefined) => (value ? '1' : '')
  return {
    ...(entry.resolved === undefined ? {} : { npm_package_resolved: entry.resolved }),
    ...(entry.integrity === undefined ? {} : { npm_package_integrity: entry.integrity }),
    npm_package_json: path.join(dir, 'package.json'),
    npm_package_optional: flag(entry.optional),
    npm_package_dev: flag(entry.dev),
    npm_package_peer: flag(entry.peer),
    npm_package_dev_optional: flag(entry.devOptional && !entry.dev && !entry.optional),
  }
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then((found) => found.isFile(), () => false)
}
