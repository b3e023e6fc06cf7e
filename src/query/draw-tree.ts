/**
 * drawTree: a labelled tree drawn as npm draws `ls` output (the archy layout): the label's
 * first line, then each child after `├── ` / `└── ` (`├─┬ ` when it has children of its own),
 * with `│ ` carried down the left while siblings follow. Lines after the first of a
 * multi-line label are indented under it. `unicode: false` draws with `+`, `` ` ``, `-`, `|`.
 */
export interface DrawnNode {
  label: string
  nodes: DrawnNode[]
}

const ASCII: Readonly<Record<string, string>> = { '│': '|', '└': '`', '├': '+', '─': '-', '┬': '-' }

export function drawTree(root: DrawnNode, unicode: boolean): string {
  const glyph = (char: string) => (unicode ? char : (ASCII[char] ?? char))
  const draw = (node: DrawnNode, prefix: string): string => {
    const splitter = `\n${prefix}${node.nodes.length > 0 ? glyph('│') : ' '} `
    let out = `${prefix}${node.label.split('\n').join(splitter)}\n`
    node.nodes.forEach((child, index) => {
      const last = index === node.nodes.length - 1
      const branch = `${last ? glyph('└') : glyph('├')}${glyph('─')}${child.nodes.length > 0 ? glyph('┬') : glyph('─')} `
      out += `${prefix}${branch}${draw(child, `${prefix}${last ? ' ' : glyph('│')} `).slice(prefix.length + 2)}`
    })
    return out
  }
  return draw(root, '')
}
