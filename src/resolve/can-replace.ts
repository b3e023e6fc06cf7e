/**
 * Whether one node may stand in for another (arborist's Node#canReplaceWith, #canDedupe,
 * #overridden). Replacing is safe when every edge into the current node, except those from
 * its own dependencies and (for peer groups) from the peers being replaced with it, is
 * satisfied by the replacement, and both follow the same overrides.
 */
import semver from 'semver'
import { gatherDepSet } from './dep-sets.ts'
import type { Node } from './node.ts'

export function canReplaceWith(current: Node, replacement: Node, ignorePeers: Iterable<string> = []): boolean {
  if (replacement.name !== current.name || replacement.packageName !== current.packageName) return false
  if (current.edgesOut.size > 0) {
    if (replacement.overrides !== undefined) {
      if (!replacement.overrides.isEqual(current.overrides)) return false
    } else if (current.overrides !== undefined) {
      return false
    }
  }
  const ignored = new Set(ignorePeers)
  const ownDeps = gatherDepSet([current], (edge) => edge.to !== current && edge.valid)
  for (const edge of current.edgesIn) {
    const from = edge.from
    if (from === null) continue
    if (!current.isTop && from.parent === current.parent && edge.peer && ignored.has(from.name)) continue
    if (!ownDeps.has(from) && !edge.satisfiedBy(replacement)) return false
  }
  return true
}

/**
 * Whether `node` can go because a copy two levels up (or higher) serves everyone who needs
 * it: the same package, or one that can replace it and is at least as new (any version with
 * preferDedupe or an explicit request; never over an overridden version).
 */
export function canDedupe(node: Node, preferDedupe: boolean, explicitRequest: boolean): boolean {
  if (node.inDepBundle || node.inShrinkwrap) return false
  const grandParent = node.resolveParent?.resolveParent
  if (grandParent === null || grandParent === undefined) return false
  if (node.edgesIn.size === 0) return true
  const other = grandParent.resolve(node.name)
  if (other === null) return false
  if (other.matches(node)) return true
  if (!canReplaceWith(node, other)) return false
  const comparable = semver.valid(other.version) !== null && semver.valid(node.version) !== null
  if (preferDedupe || (comparable && semver.eq(other.version, node.version))) return true
  if (comparable && !isOverridden(node) && semver.gt(other.version, node.version)) return true
  return explicitRequest
}

/** The node's version was chosen by an override rule for its name. */
export function isOverridden(node: Node): boolean {
  const rule = node.overrides
  if (rule === undefined || !rule.value || rule.name !== node.name) return false
  for (const edge of node.edgesIn) {
    const edgeRule = edge.overrides
    if (edgeRule !== undefined && edgeRule.name === node.name && edgeRule.value === node.version) {
      if (!edgeRule.isEqual(edge.from?.overrides)) return true
    }
  }
  return false
}
