/**
 * npm's sanitising of a package's `bin` map (npm-normalize-package-bin, object form), applied
 * again here because a link name and target come from a tarball: a name is reduced to its last
 * segment after turning "\" and ":" into "/" (so "@scope/tool" links as "tool"), and is dropped
 * when nothing is left ("", ".", ".."); a target is resolved as if the package folder were "/",
 * so "../../x" means "x" inside the package and can never leave it. Names holding control
 * characters are dropped too (npm keeps them). A later entry that reduces
 * to an earlier name replaces its target and keeps its position, as npm's object assignment does.
 */
import path from 'node:path'

const CONTROL = /[\u0000-\u001f\u007f]/

export function normalizeBin(bin: Readonly<Record<string, string>>): Record<string, string> {
  const clean: Record<string, string> = {}
  for (const [rawName, rawTarget] of Object.entries(bin)) {
    if (typeof rawTarget !== 'string') continue
    const name = path.posix.join('/', path.posix.basename(rawName.replace(/[\\:]/g, '/'))).slice(1)
    const target = path.posix.join('/', rawTarget.replace(/\\/g, '/')).slice(1)
    if (name === '' || target === '' || CONTROL.test(name)) continue
    clean[name] = target
  }
  return clean
}
