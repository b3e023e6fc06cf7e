/**
 * The project's `overrides` as they change the installed tree's edges (arborist's OverrideSet,
 * for the rules at the top of the root's `overrides`): a rule names a package (`name`, or
 * `name@range` to catch only specs that can meet that range) and the spec to use instead (a
 * string, or the `.` of an object; `$name` takes the root's own spec for that package). An edge
 * a rule catches wants the rule's spec; npm still accepts a version the written spec allows
 * when the rule's range does not cover it. Rules nested under a package are not read.
 */
import semver from 'semver'
import { parseSpec } from '../spec/index.ts'
import { isJsonObject, type PackageInfo } from './package-info.ts'

export interface OverrideRule {
  name: string
  /** the range of specs the rule catches (`*` for a bare name) */
  keySpec: string
  /** the spec an edge gets */
  value: string
}

export function readOverrideRules(root: PackageInfo): OverrideRule[] {
  const overrides = root.raw.overrides
  if (!isJsonObject(overrides)) return []
  const rules: OverrideRule[] = []
  for (const [key, setting] of Object.entries(overrides)) {
    const target = keyOf(key)
    if (target === undefined) continue
    const written = typeof setting === 'string' ? setting : isJsonObject(setting) && typeof setting['.'] === 'string' ? setting['.'] : undefined
    const value = written === '' ? '*' : (written ?? target.keySpec)
    const resolved = value.startsWith('$') ? referencedSpec(root, value.slice(1)) : value
    if (resolved !== undefined) rules.push({ ...target, value: resolved })
  }
  return rules
}

function keyOf(key: string): { name: string; keySpec: string } | undefined {
  const at = key.indexOf('@', key.startsWith('@') ? 1 : 0)
  const name = at === -1 ? key : key.slice(0, at)
  const range = at === -1 ? '' : key.slice(at + 1)
  if (name === '') return undefined
  return { name, keySpec: range === '' ? '*' : range }
}

function referencedSpec(root: PackageInfo, name: string): string | undefined {
  for (const deps of [root.devDependencies, root.optionalDependencies, root.dependencies, root.peerDependencies]) {
    if (Object.hasOwn(deps, name)) return deps[name]
  }
  return undefined
}

/** The first rule catching an edge named `name` written as `rawSpec` (getEdgeRule). */
export function ruleForEdge(rules: readonly OverrideRule[], name: string, rawSpec: string): OverrideRule | undefined {
  for (const rule of rules) {
    if (rule.name !== name) continue
    if (rule.keySpec === '*') return rule
    let spec
    try {
      spec = parseSpec(name, rawSpec || '*')
    } catch {
      continue
    }
    const written = spec.type === 'alias' ? spec.subSpec : spec
    if (written.type === 'git') {
      if (written.semverRange !== undefined && intersects(written.semverRange, rule.keySpec)) return rule
      continue
    }
    if (written.type === 'range' || written.type === 'version') {
      if (intersects(written.fetchSpec, rule.keySpec)) return rule
      continue
    }
    return rule
  }
  return undefined
}

function intersects(a: string, b: string): boolean {
  try {
    return semver.intersects(a, b)
  } catch {
    return false
  }
}
