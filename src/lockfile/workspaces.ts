import { isInNodeModules, nameFromLocation } from './location.ts'
import { stringField } from './manifest.ts'
import { isObject } from './parse-lock-entry.ts'

/** The root's `workspaces` globs (an array, or `{ packages }`), without './' or a trailing '/'. */
export function workspacePatterns(packageJson: Record<string, unknown>): string[] {
  const raw = packageJson.workspaces
  const list = Array.isArray(raw) ? raw : isObject(raw) && Array.isArray(raw.packages) ? raw.packages : []
  return list
    .filter((pattern): pattern is string => typeof pattern === 'string')
    .map((pattern) => pattern.replace(/^(!?)\.\//, '$1').replace(/\/+$/, ''))
}

/**
 * Workspace name → folder: the candidate folders (outside node_modules, inside the project)
 * that a pattern matches and no '!' pattern excludes, named by their package.json.
 */
export function findWorkspaces(
  packageJson: Record<string, unknown>,
  candidates: Iterable<string>,
  manifestOf: (location: string) => Record<string, unknown>,
): Map<string, string> {
  const patterns = workspacePatterns(packageJson)
  const include = patterns.filter((pattern) => !pattern.startsWith('!')).map((pattern) => new Bun.Glob(pattern))
  const exclude = patterns.filter((pattern) => pattern.startsWith('!')).map((pattern) => new Bun.Glob(pattern.slice(1)))
  const workspaces = new Map<string, string>()
  if (include.length === 0) return workspaces
  for (const location of [...candidates].sort()) {
    if (location === '' || isInNodeModules(location) || location.startsWith('..')) continue
    if (!include.some((glob) => glob.match(location)) || exclude.some((glob) => glob.match(location))) continue
    workspaces.set(stringField(manifestOf(location), 'name') ?? nameFromLocation(location), location)
  }
  return workspaces
}
