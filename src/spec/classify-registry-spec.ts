/**
 * What a registry spec asks for, as npm-package-arg decides it: an exact version (semver,
 * loose: `v1.2.3`, `=1.2.3`), else a range (`^1`, `1.x`, `''`, `*`, `x`), else a dist-tag.
 * A dist-tag must survive encodeURIComponent unchanged; anything else is not a spec at all.
 */
import semver from 'semver'
import { rangeTest } from './version-order.ts'

export type RegistrySpecType = 'version' | 'range' | 'tag'

/** The kind of a trimmed registry spec, or undefined when it is not a valid tag either. */
export function classifyRegistrySpec(fetchSpec: string): RegistrySpecType | undefined {
  if (semver.valid(fetchSpec, true) !== null) return 'version'
  // semver.validRange (loose), through the ranges every check of the same text shares
  if (rangeTest(fetchSpec) !== undefined) return 'range'
  if (encodeURIComponent(fetchSpec) !== fetchSpec) return undefined
  return 'tag'
}
