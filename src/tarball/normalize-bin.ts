/**
 * A package's bins as npm links them: name -> relative path inside the package. Two passes, as
 * in npm: reading package.json (@npmcli/package-json `normalize`, steps "bin" and "binDir"),
 * then bin-links' own clean-up (npm-normalize-package-bin) before it links and chmods.
 * - `bin` as a string is named after the package (dropped without a name); as an array each
 *   path is named after its basename; object values that are not strings are dropped.
 * - names keep only their basename ("@scope/tool" -> "tool", "\\" and ":" count as "/"), and a
 *   name or target that normalises to nothing ("..", "/") is dropped; targets are made relative
 *   and can never climb out (`../../x` -> `x`).
 * - without `bin`, `directories.bin` names every file and folder below that folder (dot names
 *   excluded, as glob's `**` does), each bin named after its basename; the last of a name wins.
 */
import { posix } from 'node:path'

export interface BinSource {
  name?: unknown
  bin?: unknown
  directories?: unknown
}

/** `listPaths` gives every file and folder of the package; it is called only for `directories.bin`. */
export function normalizeBin(pkg: BinSource, listPaths: () => readonly string[]): Record<string, string> | undefined {
  const declared = pkg.bin ? readDeclaredBin(pkg) : expandBinDir(pkg.directories, listPaths)
  if (declared === undefined) return undefined
  const clean: Record<string, string> = {}
  let count = 0
  for (const [key, value] of Object.entries(declared)) {
    const name = posix.join('/', posix.basename(key.replace(/\\|:/g, '/'))).slice(1)
    const target = posix.join('/', value.replace(/\\/g, '/')).slice(1)
    if (name === '' || target === '') continue
    clean[name] = target
    count++
  }
  return count === 0 ? undefined : clean
}

/** @npmcli/package-json's "bin" step. */
function readDeclaredBin(pkg: BinSource): Record<string, string> | undefined {
  const bin = pkg.bin
  let entries: Array<[string, unknown]>
  if (typeof bin === 'string') {
    if (typeof pkg.name !== 'string' || pkg.name === '') return undefined
    entries = [[pkg.name, bin]]
  } else if (Array.isArray(bin)) {
    entries = bin.filter((item): item is string => typeof item === 'string').map((item) => [posix.basename(item), item])
  } else if (typeof bin === 'object' && bin !== null) {
    entries = Object.entries(bin)
  } else {
    return undefined
  }
  const result: Record<string, string> = {}
  for (const [key, value] of entries) {
    if (typeof value !== 'string') continue
    const name = posix.basename(secureAndUnixifyPath(key))
    const target = secureAndUnixifyPath(value)
    if (name === '' || target === '') continue
    result[name] = target
  }
  return result
}

/** @npmcli/package-json's "binDir" step, over the paths the package was extracted with. */
function expandBinDir(directories: unknown, listPaths: () => readonly string[]): Record<string, string> | undefined {
  if (typeof directories !== 'object' || directories === null || !('bin' in directories)) return undefined
  const binDir = (directories as { bin: unknown }).bin
  if (typeof binDir !== 'string' || binDir === '') return undefined
  const base = secureAndUnixifyPath(binDir)
  const prefix = base === '' ? '' : `${base}/`
  const result: Record<string, string> = {}
  for (const path of [...listPaths()].sort()) {
    if (!path.startsWith(prefix) || path === base) continue
    const below = path.slice(prefix.length)
    if (below.split('/').some((part) => part.startsWith('.'))) continue
    result[posix.basename(below)] = `${base}/${secureAndUnixifyPath(below)}`
  }
  return result
}

function unixifyPath(ref: string): string {
  return ref.replace(/\\|:/g, '/')
}

/** Relative, "/"-separated, no `..`; "" when nothing is left. */
function secureAndUnixifyPath(ref: string): string {
  const secured = unixifyPath(posix.join('.', posix.join('/', unixifyPath(ref))))
  return secured.startsWith('./') ? '' : secured
}
