/**
 * The resolver's nodes through the one dep-valid (spec/dep-valid.ts): a Node is a DepNode;
 * what it asks for is read from arborist's fromPath, and a spec it cannot read is kept among
 * its errors, as arborist keeps it.
 */
import path from 'node:path'
import { isDepValid } from '../spec/index.ts'
import type { Node } from './node.ts'

export function depValid(child: Node, requested: string, accept: string | undefined, requestor: Node): boolean {
  return isDepValid(child, requested, accept, { fromPath: fromPath(requestor, child.name), onBadSpec: (error) => requestor.errors.push(error) })
}

/**
 * Where a node's relative `file:` specs start: the folder of the tarball it came from, or
 * its own folder; with an override of the edge, the project root (arborist's fromPath).
 */
export function fromPath(node: Node, name: string): string {
  const rule = node.edgesOut.get(name)?.overrides
  if (rule !== undefined && rule.name === name && rule.value) {
    return node.sourceReference ? node.sourceReference.root.realpath : node.root.realpath
  }
  if (node.resolved?.startsWith('file:') && /[.](?:tgz|tar\.gz|tar)$/i.test(node.resolved)) {
    return path.dirname(path.resolve(node.root.realpath, node.resolved.slice(5)))
  }
  return node.realpath
}
