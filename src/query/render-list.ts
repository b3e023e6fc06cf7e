/**
 * The three outputs of `npm ls`, from a listTree result: the drawn tree (archy's layout), the
 * JSON document (npm's keys and their order) and the parseable list of folders.
 */
import { parseSpec } from '../spec/index.ts'
import { drawTree, type DrawnNode } from './draw-tree.ts'
import { linkTargetLocation, type ListEntry, type ListResult } from './list-tree.ts'
import type { Paint } from './paint.ts'
import { isWorkspace, type ActualTree, type TreeNode } from './tree-model.ts'

export interface ListTextOptions {
  unicode: boolean
  long: boolean
  paint: Paint
  /** filters were given: matching entries are highlighted */
  filtered: boolean
}

/** The drawn tree, ending with a newline as archy's output does ('(empty)' under a bare root). */
export function renderListText(result: ListResult, tree: ActualTree, options: ListTextOptions): string {
  const toDrawn = (entry: ListEntry): DrawnNode => ({ label: labelOf(entry, tree, options), nodes: entry.children.map(toDrawn) })
  const root = toDrawn(result.root)
  if (root.nodes.length === 0) root.nodes = [{ label: '(empty)', nodes: [] }]
  return options.paint.reset(drawTree(root, options.unicode))
}

function labelOf(entry: ListEntry, tree: ActualTree, options: ListTextOptions): string {
  const { paint, long } = options
  const node = entry.node
  let printable = node !== undefined && entry.kind === 'node' && isWorkspace(node, tree.root) === true ? paint.blueBright(entry.pkgid) : entry.pkgid
  if (entry.isRoot && node !== undefined) {
    printable = tree.global === true || Object.keys(node.package.raw).length === 0 ? node.path : `${printable}${long ? '\n' : ' '}${node.path}`
  }
  const optional = entry.type === 'optional' || entry.type === 'peerOptional'
  let label = ''
  if (entry.kind === 'missing') label += `${(optional ? paint.yellow : paint.red)(`UNMET ${optional ? 'OPTIONAL ' : ''}DEPENDENCY`)} `
  label += options.filtered && entry.matches ? paint.yellow(printable) : printable
  if (entry.deduped) label += ` ${paint.dim('deduped')}`
  if (entry.invalid !== undefined) label += ` ${paint.red(`invalid: ${entry.invalid}`)}`
  if (entry.kind === 'node' && node?.extraneous) label += ` ${paint.red('extraneous')}`
  if (entry.kind === 'node' && node?.overridden) label += ` ${paint.dim('overridden')}`
  if (entry.kind === 'node' && node !== undefined && isGitResolved(node.resolved)) label += ` (${node.resolved})`
  if (node?.isLink) label += ` -> ./${linkTargetLocation(node, tree)}`
  if (long) label += `\n${node?.package.description ?? ''}`
  return label
}

function isGitResolved(resolved: string | undefined): boolean {
  if (resolved === undefined) return false
  try {
    return parseSpec(undefined, resolved).type === 'git'
  } catch {
    return false
  }
}

export interface ListJsonOptions {
  long: boolean
}

/** npm's `ls --json` document: the root's fields, `problems`, then `dependencies` nested. */
export function renderListJson(result: ListResult, options: ListJsonOptions): Record<string, unknown> {
  const items = new Map<ListEntry, Record<string, unknown>>()
  for (const entry of result.entries) items.set(entry, jsonItem(entry, options))
  const rootItem = items.get(result.root) as Record<string, unknown>
  if (result.problems.length > 0) rootItem.problems = result.problems
  for (const entry of result.entries) {
    if (!entry.included || entry.parent === undefined) continue
    const parentItem = items.get(entry.parent) as Record<string, unknown>
    const dependencies = (parentItem.dependencies ?? {}) as Record<string, unknown>
    dependencies[entry.name] = items.get(entry)
    parentItem.dependencies = dependencies
  }
  return rootItem
}

function jsonItem(entry: ListEntry, options: ListJsonOptions): Record<string, unknown> {
  const item: Record<string, unknown> = {}
  const node = entry.node
  if (node?.package.version) item.version = node.package.version
  if (entry.kind === 'node' && node?.resolved) item.resolved = node.resolved
  if (entry.kind === 'node' && !entry.isRoot && node !== undefined) item.overridden = node.overridden
  if (entry.isRoot && node !== undefined && Object.keys(node.package.raw).length > 0) item.name = node.package.name ?? node.name
  if (options.long && node !== undefined) Object.assign(item, longFields(entry, node))
  if (entry.kind === 'node' && node?.extraneous) item.extraneous = true
  if (entry.invalid !== undefined) item.invalid = entry.invalid
  const optional = entry.type === 'optional' || entry.type === 'peerOptional'
  if (entry.kind === 'missing' && !optional) {
    if (entry.required !== undefined) item.required = entry.required
    item.missing = true
  }
  if (entry.matches && entry.problems.length > 0) item.problems = entry.problems
  return item
}

/** `ls --long --json`: the package's own fields (its manifest as read) around npm's extras. */
function longFields(entry: ListEntry, node: TreeNode): Record<string, unknown> {
  const { dependencies: _dependencies, ...manifest } = node.package.raw
  const fields: Record<string, unknown> = { name: entry.name, ...manifest }
  fields.extraneous = false
  fields.path = node.path
  fields._dependencies = { ...node.package.dependencies, ...node.package.optionalDependencies }
  fields.devDependencies = node.package.raw.devDependencies ?? {}
  fields.peerDependencies = node.package.raw.peerDependencies ?? {}
  return fields
}

/** One folder a line, the root first; with --long, `path:name@version[:realpath][:EXTRANEOUS][:INVALID]`. */
export function renderListParseable(result: ListResult, options: ListJsonOptions): string {
  const lines: string[] = []
  for (const entry of result.nodes) {
    const node = entry.node
    if (node === undefined || !entry.matches) continue
    let line = node.path
    if (options.long) {
      line += `:${entry.pkgid}`
      if (node.path !== node.realpath) line += `:${node.realpath}`
      if (node.extraneous) line += ':EXTRANEOUS'
      if (result.invalidMarks.has(node)) line += ':INVALID'
      if (node.overridden) line += ':OVERRIDDEN'
    }
    lines.push(line)
  }
  return lines.join('\n').trim()
}
