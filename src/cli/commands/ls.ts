import { defineCommand, type ArgsDef, type CommandDef } from 'citty'
import { SkiffError } from '../../error/index.ts'
import {
  createPaint,
  isUnicodeLocale,
  listTree,
  loadActualTree,
  readBooleanSetting,
  renderListJson,
  renderListParseable,
  renderListText,
} from '../../query/index.ts'
import { globalArg, loadCommandConfig, npmFlags, printArgs } from '../command-context.ts'
import { shouldColor } from '../../ui/color.ts'

const lsArgs = {
  packages: { type: 'positional', required: false, description: 'show only these packages (name or name@range) and the paths to them' },
  all: { type: 'boolean', alias: 'a', description: 'every installed package, not only the direct dependencies' },
  depth: { type: 'string', description: 'how many levels below the direct dependencies to show' },
  json: { type: 'boolean', description: 'print the tree as JSON' },
  long: { type: 'boolean', alias: 'l', description: 'show descriptions (and, with --json, every field)' },
  parseable: { type: 'boolean', alias: 'p', description: 'print one installed folder a line' },
  omit: { type: 'string', description: 'leave out dev, optional or peer dependencies of the project (repeatable)', valueHint: 'dev|optional|peer' },
  include: { type: 'string', description: 'keep dependency types that NODE_ENV=production or --omit would leave out' },
  link: { type: 'boolean', description: 'only linked packages (workspaces, file: folders)' },
  unicode: { type: 'boolean', description: 'draw the tree with unicode lines (default: with a UTF-8 locale)' },
  ...globalArg,
  ...printArgs,
} satisfies ArgsDef

function lsCommand(name: 'ls' | 'll'): CommandDef<ArgsDef> {
  return defineCommand({
    meta: { name, description: name === 'ls' ? 'List installed packages, as `npm ls` does' : 'List installed packages with their descriptions (`ls --long`)' },
    args: lsArgs,
    async run({ args, rawArgs }) {
      const config = await loadCommandConfig(npmFlags(rawArgs, lsArgs))
      const filters = args._.map(String)
      const long = name === 'll' || readBooleanSetting(args.long, config.raw.long)
      const json = readBooleanSetting(args.json, config.raw.json)
      const tree = await loadActualTree(config.projectDir, { global: config.global })
      const result = listTree(tree, {
        all: readBooleanSetting(args.all, config.raw.all),
        depth: depthOf(args.depth ?? config.raw.depth),
        omit: config.omit,
        linksOnly: readBooleanSetting(args.link, config.raw.link),
        filters,
      })
      const failure = result.problems.some((problem) => !problem.startsWith('extraneous:'))
      if (json) {
        const document = renderListJson(result, { long })
        if (failure) document.error = { code: 'ELSPROBLEMS', summary: result.problems.join('\n'), detail: '' }
        process.stdout.write(`${JSON.stringify(document, null, 2)}\n`)
      } else if (readBooleanSetting(args.parseable, config.raw.parseable)) {
        process.stdout.write(`${renderListParseable(result, { long })}\n`)
      } else {
        const unicode = typeof args.unicode === 'boolean' ? args.unicode : config.raw.unicode === undefined ? isUnicodeLocale(process.env) : config.raw.unicode === 'true'
        const paint = createPaint(shouldColor(args.color ?? config.raw.color, process.stdout.isTTY, process.env))
        process.stdout.write(`${renderListText(result, tree, { unicode, long, paint, filtered: filters.length > 0 })}\n`)
      }
      if (failure) {
        const [first = '', ...rest] = result.problems
        throw new SkiffError('ELSPROBLEMS', first, { lines: rest, hint: 'run `skiff install` to install what is missing or invalid' })
      }
      return filters.length > 0 && !result.root.included ? 1 : 0
    },
  }) as CommandDef<ArgsDef>
}

function depthOf(value: unknown): number | undefined {
  if (value === undefined || value === '' || value === 'null') return undefined
  const depth = Number(value)
  if (Number.isNaN(depth) || depth < 0) throw new SkiffError('EUSAGE', `--depth must be a number of levels, not "${String(value)}"`)
  return depth
}

export default lsCommand('ls')

export const ll = lsCommand('ll')
