/**
 * Globally installed bins start with `#!/usr/bin/env node`. On a machine without Node.js they
 * still run: while no `node` is on PATH, the global bin folder holds a `node` shim that runs
 * skiff's own runtime (Bun). Each global install, update and uninstall settles it again:
 *   - no other node on PATH, no shim: the shim is written (`created`: the caller says so once);
 *   - a real node on PATH and the shim there: the shim is removed (`removed`);
 *   - a shim for another skiff executable is rewritten quietly;
 *   - a `node` in the folder that is not a shim (a real node, a package's bin) is never touched.
 */
import { closeSync, openSync, readSync } from 'node:fs'
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { findExecutable, NODE_SHIM_MARK, nodeShimText } from './shims.ts'

export type NodeShimChange = 'created' | 'removed' | 'unchanged'

export interface GlobalNodeShimOptions {
  /** `<prefix>/bin` */
  binDir: string
  /** skiff's executable, which the shim runs as Bun */
  runtime: string
  /** the PATH the user's shell has */
  pathValue: string
}

export async function syncGlobalNodeShim(options: GlobalNodeShimOptions): Promise<NodeShimChange> {
  const shimPath = path.join(options.binDir, 'node')
  const existing = await readFile(shimPath, 'utf8').catch(() => undefined)
  const isShim = existing !== undefined && isNodeShim(existing)
  if (existing !== undefined && !isShim) return 'unchanged'
  if (realNodeOnPath(options.pathValue) !== undefined) {
    if (!isShim) return 'unchanged'
    await rm(shimPath, { force: true })
    return 'removed'
  }
  const text = nodeShimText(options.runtime)
  if (existing === text) return 'unchanged'
  const temp = `${shimPath}.${process.pid}.tmp`
  await writeFile(temp, text)
  await chmod(temp, 0o755)
  await rename(temp, shimPath)
  return existing === undefined ? 'created' : 'unchanged'
}

/** The first `node` on PATH that is not one of skiff's shims. */
export function realNodeOnPath(pathValue: string): string | undefined {
  for (const dir of pathValue.split(path.delimiter)) {
    const found = dir === '' ? undefined : findExecutable('node', dir)
    if (found !== undefined && !isNodeShimFile(found)) return found
  }
  return undefined
}

/** Reads only the head of the file: a real node is a large binary. */
function isNodeShimFile(file: string): boolean {
  const head = Buffer.alloc(200)
  let fd: number | undefined
  try {
    fd = openSync(file, 'r')
    const length = readSync(fd, head, 0, head.length, 0)
    return isNodeShim(head.subarray(0, length).toString('utf8'))
  } catch {
    return false
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

function isNodeShim(text: string): boolean {
  return text.startsWith(`#!/bin/sh\n${NODE_SHIM_MARK}\n`)
}
