/**
 * Whether a run did what its phase asks, beyond its exit status: an install leaves every direct
 * dependency in node_modules, a resolve leaves the tool's lockfile, a stale run leaves the
 * installed project without the package it added and removed.
 */
import fs from 'node:fs'
import path from 'node:path'
import { STALE_PACKAGE, type Action } from './phases.ts'

export function directDependencies(packageJsonText: string): string[] {
  const manifest: unknown = JSON.parse(packageJsonText)
  if (typeof manifest !== 'object' || manifest === null) return []
  const names: string[] = []
  for (const field of ['dependencies', 'devDependencies'] as const) {
    const group: unknown = Reflect.get(manifest, field)
    if (typeof group === 'object' && group !== null) names.push(...Object.keys(group))
  }
  return names
}

/** undefined when the run's output is there, else what is missing (or, after a stale run, left over) */
export function checkOutcome(action: Action, projectDir: string, lockfileName: string): string | undefined {
  if (action === 'resolve') {
    return fs.existsSync(path.join(projectDir, lockfileName)) ? undefined : `no ${lockfileName} written`
  }
  if (action === 'stale') {
    const { name } = STALE_PACKAGE
    if (directDependencies(fs.readFileSync(path.join(projectDir, 'package.json'), 'utf8')).includes(name)) return `package.json still lists ${name}`
    if (fs.existsSync(path.join(projectDir, 'node_modules', name))) return `node_modules/${name} is still there`
  }
  const deps = directDependencies(fs.readFileSync(path.join(projectDir, 'package.json'), 'utf8'))
  const missing = deps.filter((name) => !fs.existsSync(path.join(projectDir, 'node_modules', name, 'package.json')))
  if (missing.length === 0) return undefined
  return `node_modules lacks ${missing.length} of ${deps.length} direct dependencies (${missing.slice(0, 5).join(', ')})`
}
