/**
 * package.json `overrides`, as arborist's OverrideSet: a tree of rules. A rule's key is a
 * package name with an optional spec ("react", "react@^18"); its value replaces the spec of
 * matching edges ("." inside an object, "" or an object without "." means "keep the spec"
 * and only scopes the nested rules). An edge from a node governed by rule R looks for the
 * first rule named like the edge among R's children, R itself and R's ancestors' children.
 */
import semver from 'semver'
import { classifySpec } from './classify-spec.ts'
import { dependencyMap } from './manifest.ts'
import { isObject } from './parse-lock-entry.ts'

export interface OverrideRule {
  /** '' for the root set */
  key: string
  name: string
  keySpec: string
  /** the replacement spec; '*' keeps the edge's own spec */
  value: string
  parent: OverrideRule | undefined
  children: Map<string, OverrideRule>
}

export function parseOverrides(raw: unknown): OverrideRule | undefined {
  if (!isObject(raw) || Object.keys(raw).length === 0) return undefined
  return buildRule(raw, '', undefined)
}

function buildRule(raw: unknown, key: string, parent: OverrideRule | undefined): OverrideRule {
  const body: Record<string, unknown> = typeof raw === 'string' ? { '.': raw } : isObject(raw) ? raw : {}
  const { name, keySpec } = parseKey(key)
  const own = typeof body['.'] === 'string' && body['.'] !== '' ? body['.'] : body['.'] === '' ? '*' : undefined
  const rule: OverrideRule = { key, name, keySpec, value: own ?? keySpec, parent, children: new Map() }
  for (const [childKey, childBody] of Object.entries(body)) {
    if (childKey !== '.') rule.children.set(childKey, buildRule(childBody, childKey, rule))
  }
  return rule
}

function parseKey(key: string): { name: string; keySpec: string } {
  const at = key.indexOf('@', 1)
  if (at === -1) return { name: key, keySpec: '*' }
  const spec = key.slice(at + 1)
  return { name: key.slice(0, at), keySpec: spec === '' ? '*' : spec }
}

const rulesets = new WeakMap<OverrideRule, OverrideRule[]>()

/** The rules visible from `rule`, nearest first (OverrideSet#ruleset). */
function ruleset(rule: OverrideRule): OverrideRule[] {
  const cached = rulesets.get(rule)
  if (cached !== undefined) return cached
  const rules = new Map<string, OverrideRule>()
  for (let ancestor: OverrideRule | undefined = rule; ancestor !== undefined; ancestor = ancestor.parent) {
    for (const child of ancestor.children.values()) if (!rules.has(child.key)) rules.set(child.key, child)
    if (ancestor.parent !== undefined && !rules.has(ancestor.key)) rules.set(ancestor.key, ancestor)
  }
  const list = [...rules.values()]
  rulesets.set(rule, list)
  return list
}

/** The rule an edge `name@rawSpec` from a node governed by `rule` follows (`rule` itself if none matches). */
export function edgeRule(rule: OverrideRule, name: string, rawSpec: string): OverrideRule {
  for (const candidate of ruleset(rule)) {
    if (candidate.name !== name) continue
    if (candidate.keySpec === '*') return candidate
    let spec = classifySpec(rawSpec)
    if (spec.type === 'alias') spec = spec.sub
    if (spec.type === 'git') {
      if (spec.semverRange !== undefined && intersects(spec.semverRange, candidate.keySpec)) return candidate
      continue
    }
    if (spec.type === 'range' || spec.type === 'version') {
      if (intersects(spec.range, candidate.keySpec)) return candidate
      continue
    }
    return candidate
  }
  return rule
}

/**
 * The spec an edge wants once `rule` applies: the rule's value when it names this package,
 * with "$name" read from the root package.json's dependencies (dev, optional, prod, peer).
 */
export function overriddenSpec(rule: OverrideRule, name: string, rawSpec: string, rootManifest: Record<string, unknown>): string {
  if (rule.value === '*' || rule.name !== name) return rawSpec
  if (!rule.value.startsWith('$')) return rule.value
  const reference = rule.value.slice(1)
  for (const field of ['devDependencies', 'optionalDependencies', 'dependencies', 'peerDependencies']) {
    const spec = dependencyMap(rootManifest, field)[reference]
    if (spec !== undefined) return spec
  }
  return rawSpec
}

export function intersects(rangeA: string, rangeB: string): boolean {
  try {
    return semver.intersects(rangeA, rangeB, { loose: true })
  } catch {
    return false
  }
}
