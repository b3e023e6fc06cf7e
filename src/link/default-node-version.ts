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
 * wall and CPU, a sixth of a small warm install). On a new cache, `probeNodeVersion` starts
 * node in the background at the start of an install, so that the first question (the first
 * version picked, the first check of a lockfile entry's engines) finds its answer waiting
 * instead of starting node then (~100 ms here, at the head of a resolution's first round trip).
 */
import fs from 'node:fs'
import semver from 'semver'

const versionsBySearchPath = new Map<string, string>()
/** `node --version` started in the background, by PATH: `answered` once it ended */
const probes = new Map<string, { answered: boolean; version?: string; settled: Promise<void> }>()

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
  const probe = probes.get(key)
  // a probe still running is not waited for (nothing here can wait): node is asked again
  const version = (probe?.answered ? probe.version : nodeOnPath(options)) ?? process.version
  versionsBySearchPath.set(key, version)
  return version
}

/**
 * Starts `node --version` in the background unless the answer is known or remembered; the
 * child does not keep the process alive. What it answers is remembered as defaultNodeVersion
 * would remember it.
 */
export function probeNodeVersion(options: NodeVersionOptions = {}): void {
  const key = options.searchPath ?? ''
  if (versionsBySearchPath.has(key) || probes.has(key)) return
  const found = findNode(options)
  if (found === undefined) return
  if (found.remembered !== undefined) {
    versionsBySearchPath.set(key, found.remembered)
    return
  }
  let answer: Promise<[string, number]>
  try {
    const child = Bun.spawn([found.node, '--version'], { stdout: 'pipe', stderr: 'ignore', stdin: 'ignore' })
    child.unref()
    answer = Promise.all([new Response(child.stdout).text(), child.exited])
  } catch {
    return
  }
  const probe: { answered: boolean; version?: string; settled: Promise<void> } = { answered: false, settled: Promise.resolve() }
  probe.settled = answer.then(
    ([text, code]) => {
      const version = code === 0 ? validVersion(text) : undefined
      if (version !== undefined) probe.version = version
      probe.answered = true
      if (version !== undefined) remember(options, found, version)
    },
    () => {
      probe.answered = true
    },
  )
  probes.set(key, probe)
}

/** Settles once a probe of this PATH has answered (at once when none runs). */
export function nodeVersionSettled(options: NodeVersionOptions = {}): Promise<void> {
  return probes.get(options.searchPath ?? '')?.settled ?? Promise.resolve()
}

interface FoundNode {
  node: string
  identity?: string
  memo?: Record<string, string>
  remembered?: string
}

/** The `node` on PATH, with what the memo file remembers of it; undefined when there is none. */
function findNode(options: NodeVersionOptions): FoundNode | undefined {
  const node = options.searchPath === undefined ? Bun.which('node') : Bun.which('node', { PATH: options.searchPath })
  if (node === null) return undefined
  const identity = identityOf(node)
  const memo = options.memoFile === undefined || identity === undefined ? undefined : readMemo(options.memoFile)
  const remembered = identity === undefined ? undefined : memo?.[identity]
  return { node, ...(identity === undefined ? {} : { identity }), ...(memo === undefined ? {} : { memo }), ...(remembered === undefined ? {} : { remembered }) }
}

function nodeOnPath(options: NodeVersionOptions): string | undefined {
  const found = findNode(options)
  if (found === undefined) return undefined
  if (found.remembered !== undefined) return found.remembered
  const result = Bun.spawnSync([found.node, '--version'], { stdout: 'pipe', stderr: 'ignore', stdin: 'ignore' })
  if (!result.success) return undefined
  const version = validVersion(result.stdout.toString())
  if (version !== undefined) remember(options, found, version)
  return version
}

function validVersion(output: string): string | undefined {
  const version = output.trim()
  return semver.valid(version) === null ? undefined : version
}

function remember(options: NodeVersionOptions, found: FoundNode, version: string): void {
  if (options.memoFile !== undefined && found.identity !== undefined) writeMemo(options.memoFile, { ...found.memo, [found.identity]: version })
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
