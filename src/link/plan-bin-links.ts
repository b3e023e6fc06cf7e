/**
 * Which `.bin` entries a whole tree gets, and which package wins a name two packages share.
 *
 * npm (arborist rebuild.js, bin-links) links the bins of every non-top node after reify,
 * ordered by depth, then by path with an `en` collator (@isaacs/string-locale-compare, i.e.
 * Intl.Collator: "a" < "B", "_" < "-" < "."), and link nodes (workspaces, `file:` folders) in a
 * second pass after all others. bin-links remembers each `.bin` path it has started and never
 * writes it twice, so the first node in that order wins a name, even if its file turns out to
 * be missing (then nobody gets the link). The root and workspace folders are top nodes: their
 * bins are not linked. A node's `.bin` is in the node_modules folder that holds it.
 */
import path from 'node:path'
import { normalizeBin } from './normalize-bin.ts'

export interface BinNode {
  /** as in package-lock.json: "node_modules/a", "node_modules/a/node_modules/@s/b" */
  location: string
  bin?: Readonly<Record<string, string>>
  /** a link node (workspace or file: folder): linked in npm's second pass */
  isLink?: boolean
}

export interface BinLink {
  /** the node that owns the link */
  location: string
  /** relative to the project root: "node_modules/.bin" */
  binDir: string
  name: string
  /** the symlink's text, relative to binDir: "../a/cli.js" */
  target: string
  /** the file inside the package: "cli.js" (what linkBins takes as the bin's value) */
  file: string
}

const collator = new Intl.Collator('en')

export function planBinLinks(nodes: readonly BinNode[]): BinLink[] {
  const ordered = nodes
    .filter((node) => node.bin !== undefined && nodeModulesOf(node.location) !== undefined)
    .sort(compareNodes)
  const seen = new Set<string>()
  const links: BinLink[] = []
  for (const node of ordered) {
    const binDir = `${nodeModulesOf(node.location)}/.bin`
    for (const [name, file] of Object.entries(normalizeBin(node.bin ?? {}))) {
      const key = `${binDir}/${name}`
      if (seen.has(key)) continue
      seen.add(key)
      links.push({ location: node.location, binDir, name, target: path.posix.relative(binDir, `${node.location}/${file}`), file })
    }
  }
  return links
}

function compareNodes(a: BinNode, b: BinNode): number {
  return Number(a.isLink ?? false) - Number(b.isLink ?? false) || depthOf(a.location) - depthOf(b.location) || collator.compare(a.location, b.location)
}

/** Parent hops from a top node: one per node_modules segment. */
function depthOf(location: string): number {
  return location.split('/').filter((segment) => segment === 'node_modules').length
}

/** The node_modules folder holding a package location (npm bin-links get-node-modules), or undefined for a top node. */
function nodeModulesOf(location: string): string | undefined {
  const parent = path.posix.dirname(location)
  const holder = path.posix.basename(parent) === 'node_modules' ? parent : path.posix.dirname(parent)
  return path.posix.basename(holder) === 'node_modules' ? holder : undefined
}
