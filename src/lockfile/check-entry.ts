/**
 * What a lockfile may not say, whoever wrote it: each refusal keeps an entry from placing files
 * outside the project's node_modules folders or from printing terminal control sequences.
 * - A location inside node_modules is a chain of `node_modules/<package name>` steps, each name
 *   valid for npm (so never "", ".", "..", nor holding "/", "\" or control characters); the
 *   folder before the first step (a workspace or linked folder) may be relative, never absolute.
 * - `name` is a valid package name; `version` holds no control characters.
 * Folder locations (workspaces, `file:` targets such as `../lib`) are npm's to decide.
 */
import { isUsablePackageName } from '../spec/index.ts'
import type { LockEntry } from './types.ts'

const CONTROL = /[\u0000-\u001f\u007f]/

/** Why `location` cannot be installed to, or undefined. */
export function locationProblem(location: string): string | undefined {
  if (location === '') return undefined
  if (CONTROL.test(location) || location.includes('\\')) return 'holds a control character or a backslash'
  if (location.startsWith('/')) return 'is an absolute path'
  const start = location.startsWith('node_modules/') ? 0 : location.indexOf('/node_modules/') + 1
  if (start === 0 && !location.startsWith('node_modules/')) return undefined
  const steps = location.slice(start).split('/')
  for (let i = 0; i < steps.length; ) {
    if (steps[i] !== 'node_modules') return `has ${JSON.stringify(steps[i])} where a node_modules folder belongs`
    const first = steps[i + 1] ?? ''
    const name = first.startsWith('@') ? `${first}/${steps[i + 2] ?? ''}` : first
    if (!isUsablePackageName(name)) return `has ${JSON.stringify(name)} where a package name belongs`
    i += first.startsWith('@') ? 3 : 2
  }
  return undefined
}

/** Why an entry's own fields cannot be used, or undefined. */
export function entryProblem(entry: LockEntry): string | undefined {
  if (entry.name !== undefined && !isUsablePackageName(entry.name)) return `names ${JSON.stringify(entry.name)}, which is not a package name`
  if (entry.version !== undefined && CONTROL.test(entry.version)) return 'has a version holding control characters'
  return undefined
}
