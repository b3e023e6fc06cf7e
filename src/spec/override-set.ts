/**
 * package.json `overrides` as arborist's OverrideSet: a tree of rules. A rule's key is a
 * package name with an optional spec (`react`, `react@^18`); its value is the spec matching
 * edges get instead (`.` inside an object; a string is shorthand for `{ ".": value }`; an
 * empty value means "keep the edge's spec" and only scopes the nested rules). A node carries
 * the rule set it was reached through; an edge from it looks for the nearest rule named like
 * the edge among the set's children, the set itself and its ancestors' children.
 *
 * The one matcher of overrides: the resolver's edges, the lockfile's sync check and the
 * installed tree's edges all ask it. Ranges are compared as npm compares them
 * (semver.intersects, not loose).
 */
import semver from 'semver'
import { parseSpec } from './parse-spec.ts'

export class OverrideSet {
  readonly parent: OverrideSet | undefined
  readonly children = new Map<string, OverrideSet>()
  readonly key: string
  readonly name: string
  readonly keySpec: string
  readonly value: string
  #ruleset: Map<string, OverrideSet> | undefined

  constructor(raw: unknown, key = '', parent?: OverrideSet) {
    this.parent = parent
    this.key = key
    const body: Record<string, unknown> = typeof raw === 'string' ? { '.': raw } : isObject(raw) ? raw : {}
    const own = body['.'] === '' ? '*' : typeof body['.'] === 'string' ? body['.'] : undefined
    if (parent === undefined) {
      this.name = ''
      this.keySpec = ''
      this.value = ''
    } else {
      const { name, keySpec } = splitKey(key)
      this.name = name
      this.keySpec = keySpec
      this.value = own || keySpec
    }
    for (const [childKey, childBody] of Object.entries(body)) {
      if (childKey === '.') continue
      this.children.set(childKey, new OverrideSet(childBody, childKey, this))
    }
  }

  get isRoot(): boolean {
    return this.parent === undefined
  }

  /** The rules visible from here, nearest first, keyed by rule key. */
  get ruleset(): Map<string, OverrideSet> {
    if (this.#ruleset !== undefined) return this.#ruleset
    const rules = new Map<string, OverrideSet>()
    for (let set: OverrideSet | undefined = this; set !== undefined; set = set.parent) {
      for (const child of set.children.values()) if (!rules.has(child.key)) rules.set(child.key, child)
      if (!set.isRoot && !rules.has(set.key)) rules.set(set.key, set)
    }
    this.#ruleset = rules
    return rules
  }

  /** The rule an edge `name@rawSpec` follows from a node governed by this set (this set when none names it). */
  edgeRule(name: string, rawSpec: string): OverrideSet {
    for (const rule of this.ruleset.values()) {
      if (rule.name !== name) continue
      if (rule.keySpec === '*') return rule
      const range = comparableRange(name, rawSpec)
      if (range === null) return rule
      if (range !== undefined && intersects(range, rule.keySpec)) return rule
    }
    return this
  }

  /**
   * The spec an edge `name@rawSpec` that this rule caught asks for: the rule's value, or the
   * edge's own spec when the rule is for another name or keeps it; a `$reference` is the spec
   * `specOf` gives (the root package's own, see referencedSpec), undefined when it gives none.
   */
  replacementSpec(name: string, rawSpec: string, specOf: (reference: string) => string | undefined): string | undefined {
    if (!this.value || this.value === '*' || this.name !== name) return rawSpec
    if (!this.value.startsWith('$')) return this.value
    return specOf(this.value.slice(1))
  }

  isEqual(other: OverrideSet | undefined): boolean {
    if (this === other) return true
    if (other === undefined) return false
    if (this.key !== other.key || this.value !== other.value) return false
    if (!childrenEqual(this, other)) return false
    if (this.parent === undefined) return other.parent === undefined
    return this.parent.isEqual(other.parent)
  }

  *ancestry(): Generator<OverrideSet> {
    for (let set: OverrideSet | undefined = this; set !== undefined; set = set.parent) yield set
  }

  /** Of two sets reaching one node, the more specific one; undefined when their rules conflict. */
  static findSpecific(first: OverrideSet, second: OverrideSet): OverrideSet | undefined {
    for (const set of second.ancestry()) if (set.isEqual(first)) return second
    for (const set of first.ancestry()) if (set.isEqual(second)) return first
    if (OverrideSet.haveConflictingRules(first, second)) return undefined
    for (const secondAncestor of second.ancestry()) {
      for (const firstAncestor of first.ancestry()) if (firstAncestor.isEqual(secondAncestor)) return firstAncestor
    }
    return undefined
  }

  static doConflict(first: OverrideSet, second: OverrideSet): boolean {
    if (OverrideSet.findSpecific(first, second) !== undefined) return false
    return OverrideSet.haveConflictingRules(first, second)
  }

  static haveConflictingRules(first: OverrideSet, second: OverrideSet): boolean {
    const secondRules = second.ruleset
    for (const [key, firstRule] of first.ruleset) {
      const secondRule = secondRules.get(key)
      if (secondRule === undefined || firstRule === secondRule || firstRule.isEqual(secondRule)) continue
      if (firstRule.value.startsWith('$') || secondRule.value.startsWith('$')) continue
      const firstRange = registryRange(firstRule.name, firstRule.value)
      const secondRange = registryRange(secondRule.name, secondRule.value)
      if (firstRange !== undefined && secondRange !== undefined && !intersects(firstRange, secondRange)) return true
    }
    return false
  }
}

function childrenEqual(a: OverrideSet, b: OverrideSet): boolean {
  if (a.children.size !== b.children.size) return false
  for (const [key, child] of a.children) {
    const other = b.children.get(key)
    if (other === undefined || other.value !== child.value || !childrenEqual(child, other)) return false
  }
  return true
}

/** `react@^18` → name `react`, spec `^18`; a bare name means any version. */
function splitKey(key: string): { name: string; keySpec: string } {
  const at = key.indexOf('@', 1)
  if (at === -1) return { name: key, keySpec: '*' }
  const spec = key.slice(at + 1).trim()
  return { name: key.slice(0, at), keySpec: spec === '' ? '*' : spec }
}

/**
 * The range an edge's spec stands for when rules are matched: a semver range or version
 * (through an alias), a git `#semver:` range; undefined for git without one (never matches),
 * null for tags, folders, tarballs (always matches, as npm cannot compare them).
 */
function comparableRange(name: string, rawSpec: string): string | null | undefined {
  let spec
  try {
    spec = parseSpec(name, rawSpec, '/')
  } catch {
    return null
  }
  if (spec.type === 'alias') spec = spec.subSpec
  if (spec.type === 'git') return spec.semverRange
  if (spec.type === 'range' || spec.type === 'version') return spec.fetchSpec === '' ? '*' : spec.fetchSpec
  return null
}

function registryRange(name: string, value: string): string | undefined {
  try {
    const spec = parseSpec(name, value, '/')
    return spec.type === 'range' || spec.type === 'version' ? spec.fetchSpec : undefined
  } catch {
    return undefined
  }
}

function intersects(a: string, b: string): boolean {
  try {
    return semver.intersects(a, b)
  } catch {
    return false
  }
}

/** A package's own spec for `name`, as a `$name` override reads it: dev, optional, prod, then peer dependencies; empty ones skipped. */
export function referencedSpec(pkg: Record<string, unknown> | undefined, name: string): string | undefined {
  if (pkg === undefined) return undefined
  for (const field of ['devDependencies', 'optionalDependencies', 'dependencies', 'peerDependencies']) {
    const deps = pkg[field]
    if (!isObject(deps)) continue
    const spec = deps[name]
    if (typeof spec === 'string' && spec !== '') return spec
  }
  return undefined
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
