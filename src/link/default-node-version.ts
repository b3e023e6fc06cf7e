/**
 * The Node version that `engines.node` is compared with. npm compares with the Node running
 * it (process.version). skiff runs inside Bun, whose process.version is the Node version Bun
 * implements (v26.3.0 in Bun 1.4.5), not a Node anyone installed. So: when a `node` is on
 * PATH, packages' scripts and bins will run on it, and its version is the one that matters;
 * when there is none, package code runs on Bun, and Bun's claimed Node version is the honest
 * answer.
 *
 * `node --version` is run at most once per PATH in a process, and with `memoFile` at most once
 * per node executable: its answer is kept beside the executable's identity (real path, inode,
 * size, mtime), so that a later install asks one stat instead of starting node (20-40 ms of
 * wall and CPU, a sixth of a small warm install).
 */
import fs from 'node:fs'
import semver from 'semver'

const versionsBySearchPath = new Map<string, string>()

export interface NodeVersionOptions {
  /** the PATH to look for `node` in (default: this process's PATH) */
  searchPath?: string
  /** a file that keeps the answers for the node executables seen (best effort) */
  memoFile?: string
}

export function defaultNodeVersion(options: NodeVersionOptions = {}): string {
  const key = options.searchPath ?? ''
  const known = versionsBySearchPath.get(key)
  if (known !== undefined) return known
  const version = nodeOnPath(options) ?? process.version
  versionsBySearchPath.set(key, version)
  return version
}

function nodeOnPath(options: NodeVersionOptions): string | undefined {
  const node = options.searchPath === undefined ? Bun.which('node') : Bun.which('node', { PATH: options.searchPath })
  if (node === null) return undefined
  const identity = identityOf(node)
  const memo = options.memoFile === undefined || identity === undefined ? undefined : readMemo(options.memoFile)
  const remembered = identity === undefined ? undefined : memo?.[identity]
  if (remembered !== undefined) return remembered
  const result = Bun.spawnSync([node, '--version'], { stdout: 'pipe', stderr: 'ignore', stdin: 'ignore' })
  if (!result.success) return undefined
  const version = result.stdout.toString().trim()
  if (semver.valid(version) === null) return undefined
  if (options.memoFile !== undefined && identity !== undefined) writeMemo(options.memoFile, { ...memo, [identity]: version })
  return version
}

/** The executable behind `node` (links followed), as what would change if it were replaced. */
function identityOf(node: string): string | undefined {
  try {
    const real = fs.realpathSync(node)
    const stat = fs.statSync(real)
    return `${real}\0${stat.ino}\0${stat.size}\0${stat.mtimeMs}`
  } catch {
    return undefined
  }
}

function readMemo(file: string): Record<string, string> | undefined {
  try {
    const value: unknown = JSON.parse(fs.readFileSync(file, 'utf8'))
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
    return Object.fromEntries(Object.entries(value).filter((pair): pair is [string, string] => typeof pair[1] === 'string'))
  } catch {
    return undefined
  }
}

/** Written aside and renamed; a memo that cannot be written costs `node --version` next time. */
function writeMemo(file: string, memo: Record<string, string>): void {
  try {
    const temp = `${file}.${process.pid}.tmp`
    fs.writeFileSync(temp, JSON.stringify(memo))
    fs.renameSync(temp, file)
  } catch {
    // best effort
  }
}
