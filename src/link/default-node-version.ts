/**
 * The Node version that `engines.node` is compared with. npm compares with the Node running
 * it (process.version). skiff runs inside Bun, whose process.version is the Node version Bun
 * implements (v26.3.0 in Bun 1.4.5), not a Node anyone installed. So: when a `node` is on
 * PATH, packages' scripts and bins will run on it, and its version is the one that matters;
 * when there is none, package code runs on Bun, and Bun's claimed Node version is the honest
 * answer. `node --version` is run at most once per PATH.
 */
import semver from 'semver'

const versionsBySearchPath = new Map<string, string>()

/** @param searchPath the PATH to look for `node` in (default: this process's PATH) */
export function defaultNodeVersion(searchPath?: string): string {
  const key = searchPath ?? ''
  const known = versionsBySearchPath.get(key)
  if (known !== undefined) return known
  const version = nodeOnPath(searchPath) ?? process.version
  versionsBySearchPath.set(key, version)
  return version
}

function nodeOnPath(searchPath: string | undefined): string | undefined {
  const node = searchPath === undefined ? Bun.which('node') : Bun.which('node', { PATH: searchPath })
  if (node === null) return undefined
  const result = Bun.spawnSync([node, '--version'], { stdout: 'pipe', stderr: 'ignore', stdin: 'ignore' })
  if (!result.success) return undefined
  const version = result.stdout.toString().trim()
  return semver.valid(version) === null ? undefined : version
}
