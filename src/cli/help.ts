/**
 * Help text, as npm lays it out: `skiff --help` is a few usage lines and the list of commands;
 * `skiff <command> --help` (or `skiff help <command>`) is the command's description, usage,
 * options and aliases. Plain text, no colour (it is read in pipes and CI logs as often as on a
 * terminal), every line at most `width` columns, no trailing spaces.
 */
import type { ArgDef, ArgsDef } from 'citty'

const WIDTH = 80

export function renderOverview(commands: readonly string[], version: string, execPath: string): string {
  const usage: Array<[string, string]> = [
    ['skiff install', 'install all the dependencies in your project'],
    ['skiff install <pkg>', 'add <pkg> to the dependencies of your project'],
    ['skiff ci', 'install exactly what package-lock.json says'],
    ['skiff test', "run this project's tests"],
    ['skiff run <script>', 'run the script named <script>'],
    ['skiff <command> -h', 'quick help on <command>'],
    ['skiff help <command>', 'the same'],
  ]
  const column = Math.max(...usage.map(([left]) => left.length)) + 2
  return [
    'skiff <command>',
    '',
    'Usage:',
    '',
    ...usage.map(([left, right]) => `${left.padEnd(column)}${right}`),
    '',
    'All commands:',
    '',
    ...wrap([...commands].sort().join(', '), WIDTH - 4).map((line) => `    ${line}`),
    '',
    `skiff@${version} ${execPath}`,
  ].join('\n')
}

export interface CommandHelp {
  name: string
  description: string
  args: ArgsDef
  aliases: readonly string[]
}

export function renderCommandHelp(help: CommandHelp): string {
  const positionals = Object.entries(help.args).filter(([, def]) => def.type === 'positional')
  const options = Object.entries(help.args).filter(([, def]) => def.type !== 'positional')
  const usage = [`skiff ${help.name}`, ...positionals.map(([name]) => `[<${name}>...]`), ...(options.length > 0 ? ['[options]'] : [])].join(' ')
  const lines = [...wrap(help.description, WIDTH), '', 'Usage:', ...wrap(usage, WIDTH)]
  if (options.length > 0) {
    const rows = options.map(([name, def]) => [optionLabel(name, def), optionText(def)] as const)
    const column = Math.min(Math.max(...rows.map(([label]) => label.length)) + 4, 34)
    lines.push('', 'Options:')
    for (const [label, text] of rows) {
      const textLines = wrap(text, WIDTH - column)
      if (label.length + 2 + 2 > column) {
        lines.push(`  ${label}`)
        for (const line of textLines) lines.push(`${' '.repeat(column)}${line}`)
        continue
      }
      const [first = '', ...rest] = textLines
      lines.push(`  ${label.padEnd(column - 2)}${first}`.trimEnd())
      for (const line of rest) lines.push(`${' '.repeat(column)}${line}`)
    }
  }
  if (help.aliases.length > 0) lines.push('', ...wrap(`aliases: ${help.aliases.join(', ')}`, WIDTH))
  return lines.join('\n')
}

function optionLabel(name: string, def: ArgDef): string {
  const alias = 'alias' in def ? def.alias : undefined
  const aliases: readonly string[] = alias === undefined ? [] : typeof alias === 'string' ? [alias] : alias
  const short = aliases.filter((alias) => alias.length === 1).map((alias) => `-${alias}, `).join('')
  const value = def.type === 'string' ? ` <${'valueHint' in def && def.valueHint ? def.valueHint : 'value'}>` : ''
  const negated = def.type === 'boolean' && def.default === true ? `--no-${name}` : `--${name}`
  return `${short}${negated}${value}`
}

function optionText(def: ArgDef): string {
  if (def.type === 'boolean' && def.default === true && 'negativeDescription' in def && def.negativeDescription) return def.negativeDescription
  return def.description ?? ''
}

/** Words into lines of at most `width` columns (a longer word is cut). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  const words = text.split(/\s+/).filter((part) => part !== '').flatMap((word) => word.match(new RegExp(`.{1,${width}}`, 'g')) ?? [])
  for (const word of words) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else line = line === '' ? word : `${line} ${word}`
  }
  if (line !== '') lines.push(line)
  return lines
}
