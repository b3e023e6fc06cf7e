/**
 * The project's `overrides` as they change the installed tree's edges: the rules at the top of
 * the root's `overrides`, matched as the resolver matches them (resolve's OverrideSet, arborist's
 * getEdgeRule): a rule names a package (`name`, or `name@range` to catch only specs that can
 * meet that range) and the spec to use instead (a string, or the `.` of an object; `$name`
 * takes the root's own spec for that package). An edge a rule catches wants the rule's spec;
 * npm still accepts a version the written spec allows when the rule's range does not cover it.
 * Rules nested under a package are not read, and a `$name` the root does not depend on drops
 * its rule.
 */
import { OverrideSet } from '../spec/index.ts'
import { isJsonObject, type PackageInfo } from './package-info.ts'

export interface OverrideRule {
  name: string
  /** the range of specs the rule catches (`*` for a bare name) */
  keySpec: string
  /** the spec an edge gets (`*`: its own) */
  value: string
}

/** The top rule catching an edge `name@rawSpec`, if any. */
export type OverrideRules = (name: string, rawSpec: string) => OverrideRule | undefined

export function readOverrideRules(root: PackageInfo): OverrideRules {
  const overrides = root.raw.overrides
  if (!isJsonObject(overrides)) return () => undefined
  const set = new OverrideSet(overrides)
  return (name, rawSpec) => {
    // from the root's set, a rule is the set itself (none applies) or one of its top rules
    const rule = set.edgeRule(name, rawSpec)
    if (rule === set) return undefined
    const value = rule.value.startsWith('$') ? referencedSpec(root, rule.value.slice(1)) : rule.value
    return value === undefined ? undefined : { name: rule.name, keySpec: rule.keySpec, value }
  }
}

function referencedSpec(root: PackageInfo, name: string): string | undefined {
  for (const deps of [root.devDependencies, root.optionalDependencies, root.dependencies, root.peerDependencies]) {
    if (Object.hasOwn(deps, name)) return deps[name]
  }
  return undefined
}
