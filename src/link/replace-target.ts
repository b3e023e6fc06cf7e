/**
 * Putting a finished folder at a target, and taking one away, without ever leaving a half
 * folder at the target path: a package is built in a hidden sibling and renamed into place;
 * whatever was at the target is first renamed to another hidden sibling, then deleted. A crash
 * leaves only `.skiff-*` siblings, which npm and Node skip (arborist ignores dot-folders in
 * node_modules), never a partial package at a path a later run would trust.
 */
import { lstatSync, renameSync, rmdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { errnoCode } from '../error/index.ts'

/** A fresh hidden path beside `targetDir`, on the same filesystem so rename(2) works. */
export function hiddenSibling(targetDir: string, tag: 'tmp' | 'old'): string {
  return path.join(path.dirname(targetDir), `.skiff-${tag}-${crypto.randomUUID().slice(0, 13)}`)
}

/** Renames `builtDir` to `targetDir`, replacing whatever is there (folder, file or symlink). */
export function moveIntoPlace(builtDir: string, targetDir: string): void {
  try {
    renameSync(builtDir, targetDir)
    return
  } catch (error) {
    // rename(2) replaces only an empty folder; anything else at the target is moved aside first
    if (!exists(targetDir)) throw error
  }
  const oldDir = hiddenSibling(targetDir, 'old')
  renameSync(targetDir, oldDir)
  renameSync(builtDir, targetDir)
  rmSync(oldDir, { recursive: true, force: true })
}

/**
 * Removes `targetDir` (a package folder, file or symlink), and its `@scope` folder when that is
 * left empty; a missing target is not an error.
 */
export function removeTarget(targetDir: string): void {
  const oldDir = hiddenSibling(targetDir, 'old')
  try {
    renameSync(targetDir, oldDir)
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return
    throw error
  }
  rmSync(oldDir, { recursive: true, force: true })
  // a clean install has no empty @scope folder, nor an empty node_modules inside a package
  let parent = path.dirname(targetDir)
  if (path.basename(parent).startsWith('@')) {
    if (!removeIfEmpty(parent)) return
    parent = path.dirname(parent)
  }
  if (path.basename(parent) === 'node_modules' && path.dirname(parent).includes(`${path.sep}node_modules${path.sep}`)) removeIfEmpty(parent)
}

function removeIfEmpty(dir: string): boolean {
  try {
    rmdirSync(dir)
    return true
  } catch {
    // not empty: other packages stay
    return false
  }
}

function exists(target: string): boolean {
  try {
    lstatSync(target)
    return true
  } catch {
    return false
  }
}
