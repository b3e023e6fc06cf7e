/**
 * The text of `npm explain` (npm's explain-dep): the node as `name@version` and its location,
 * then each dependent indented by two, as `[type ][bundled ]name@"spec" from <node>`, where
 * the node is explained again below it, until `the root project`. A node already being
 * explained higher up the same path is named without its dependents.
 */
import path from 'node:path'
import type { EdgeExplanation, NodeExplanation } from './explain-node.ts'
import type { Paint } from './paint.ts'

const MARKS = ['extraneous', 'dev', 'optional', 'peer', 'bundled', 'overridden'] as const

export function renderExplanation(explanation: NodeExplanation, paint: Paint): string {
  return explainNode(explanation, paint, new Set())
}

function colorType(type: string, paint: Paint): string {
  switch (type) {
    case 'extraneous':
      return paint.red(type)
    case 'dev':
      return paint.blue(type)
    case 'optional':
      return paint.magenta(type)
    case 'peer':
      return paint.magentaBright(type)
    case 'bundled':
      return paint.underline(paint.cyan(type))
    case 'workspace':
      return paint.blueBright(type)
    case 'overridden':
      return paint.dim(type)
    default:
      return type
  }
}

function explainNode(node: NodeExplanation, paint: Paint, seen: Set<string>): string {
  return printNode(node, paint) + explainDependents(node, paint, seen) + explainLinksIn(node, paint, seen)
}

function printNode(node: NodeExplanation, paint: Paint): string {
  const marks = MARKS.filter((mark) => node[mark] === true).map((mark) => ` ${colorType(mark, paint)}`).join('')
  const id = `${String(node.name)}@${String(node.version)}`
  const pkgid = node.isWorkspace === true ? paint.blueBright(id) : id
  return `${pkgid}${marks}${node.location ? paint.dim(`\n${node.location}`) : ''}`
}

function indent(messages: string[]): string {
  return `\n${messages.join('\n')}`.split('\n').join('\n  ')
}

function explainLinksIn(node: NodeExplanation, paint: Paint, seen: Set<string>): string {
  if (!node.linksIn?.length) return ''
  return indent(node.linksIn.map((link) => explainNode(link, paint, seen)))
}

function explainDependents(node: NodeExplanation, paint: Paint, seen: Set<string>): string {
  if (!node.dependents?.length) return ''
  return indent(node.dependents.map((edge) => explainEdge(edge, paint, seen)))
}

function explainEdge(edge: EdgeExplanation, paint: Paint, seen: Set<string>): string {
  const from = edge.from ?? {}
  let dep = edge.type === 'workspace'
    ? paint.bold(path.relative(from.location ?? '', edge.spec.slice('file:'.length)))
    : `${edge.name}@"${edge.spec}"`
  if (edge.overridden) dep = `${colorType('overridden', paint)} ${dep} (was "${String(edge.rawSpec)}")`
  return (edge.type === 'prod' ? '' : `${colorType(edge.type, paint)} `) +
    (edge.bundled ? `${colorType('bundled', paint)} ` : '') +
    `${dep} from ${explainFrom(from, paint, seen)}`
}

function explainFrom(from: NodeExplanation, paint: Paint, seen: Set<string>): string {
  if (!from.name && !from.version) return 'the root project'
  // a node on the path being explained ends the path (cycles); the same node reached
  // along another path is explained again
  const id = `${String(from.name)}@${String(from.version)}:${String(from.location)}`
  if (seen.has(id)) return printNode(from, paint)
  seen.add(id)
  const text = printNode(from, paint) + explainDependents(from, paint, seen) + explainLinksIn(from, paint, seen)
  seen.delete(id)
  return text
}
