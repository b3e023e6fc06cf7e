/**
 * The tree while it is being built: the same shape as TreeNode / TreeEdge (tree-model.ts), with
 * the fields the builder fills in as it goes.
 */
import path from 'node:path'
import type { OverrideRule } from './override-rules.ts'
import type { PackageInfo } from './package-info.ts'
import type { EdgeError, EdgeType } from './tree-model.ts'

export interface MutableEdge {
  type: EdgeType
  name: string
  spec: string
  rawSpec: string
  rule: OverrideRule | undefined
  accept: string | undefined
  from: MutableNode
  to: MutableNode | undefined
  error: EdgeError | undefined
}

export interface MutableNode {
  name: string
  location: string
  path: string
  realpath: string
  package: PackageInfo
  /** the package's version and name (a link's: its target's), as dep-valid reads them */
  version: string | undefined
  packageName: string | undefined
  resolved: string | undefined
  isLink: boolean
  target: MutableNode
  parent: MutableNode | undefined
  fsParent: MutableNode | undefined
  children: Map<string, MutableNode>
  edgesOut: Map<string, MutableEdge>
  edgesIn: MutableEdge[]
  linksIn: MutableNode[]
  overridden: boolean
  dev: boolean
  optional: boolean
  devOptional: boolean
  peer: boolean
  extraneous: boolean
}

export function createNode(options: { name: string; location: string; path: string; info: PackageInfo; resolved?: string | undefined; target?: MutableNode }): MutableNode {
  const node: MutableNode = {
    name: options.name,
    location: options.location,
    path: options.path,
    realpath: options.target?.path ?? options.path,
    package: options.info,
    version: options.info.version,
    packageName: options.info.name,
    resolved: options.target === undefined ? options.resolved : linkResolved(options.path, options.target.path),
    isLink: options.target !== undefined,
    target: options.target as MutableNode,
    parent: undefined,
    fsParent: undefined,
    children: new Map(),
    edgesOut: new Map(),
    edgesIn: [],
    linksIn: [],
    overridden: false,
    dev: options.location !== '',
    optional: options.location !== '',
    devOptional: options.location !== '',
    peer: options.location !== '',
    extraneous: options.location !== '',
  }
  if (options.target === undefined) node.target = node
  return node
}

/** A link always resolves to the relative path of its target, from the folder holding it. */
function linkResolved(linkPath: string, targetPath: string): string {
  return `file:${path.relative(path.dirname(linkPath), targetPath).replaceAll('\\', '/')}`
}

export function folderName(location: string): string {
  const index = location.lastIndexOf('node_modules/')
  if (index !== -1) return location.slice(index + 'node_modules/'.length)
  const base = path.posix.basename(location)
  const scope = path.posix.basename(path.posix.dirname(location))
  return scope.startsWith('@') ? `${scope}/${base}` : base
}
