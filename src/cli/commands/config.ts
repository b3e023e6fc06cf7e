import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { defineCommand, type ArgsDef, type CommandDef } from 'citty'
import { deleteNpmrcKey, setNpmrcKey, settingOf, type Config } from '../../config/index.ts'
import { SkiffError } from '../../error/index.ts'
import { writeLockfileAtomic } from '../../lockfile/index.ts'
import { globalArg, loadCommandConfig, npmFlags, prefixArg } from '../command-context.ts'
import { version } from '../version.ts'

const configArgs = {
  subcommand: { type: 'positional', required: false, description: 'get [<key>...] | set <key>=<value>... | delete <key>... | list' },
  location: { type: 'string', alias: 'L', description: 'set / delete: user (default), project or global' },
  json: { type: 'boolean', description: 'print the settings as JSON' },
  ...globalArg,
  ...prefixArg,
} satisfies ArgsDef

type Location = 'user' | 'project' | 'global'

export default configCommand('config')

/** `skiff get` and `skiff set`, npm's short forms of config get and config set. */
export function configVerb(verb: 'get' | 'set'): CommandDef<ArgsDef> {
  return configCommand(verb)
}

function configCommand(name: 'config' | 'get' | 'set'): CommandDef<ArgsDef> {
  return defineCommand({
    meta: { name, description: name === 'config' ? 'Read and change the settings of the .npmrc files skiff reads (user, project, global), as `npm config`' : `\`skiff config ${name}\`` },
    args: configArgs,
    async run({ args, rawArgs }) {
      const config = await loadCommandConfig(npmFlags(rawArgs, configArgs))
      const words = args._.map(String)
      const [subcommand = 'list', ...rest] = name === 'config' ? words : [name, ...words]
      switch (subcommand) {
        case 'get':
          return getSettings(config, rest, args.json === true)
        case 'set':
          return changeSettings(config, locationOf(args.location, config), pairsOf(rest), setNpmrcKey)
        case 'delete':
        case 'rm':
        case 'del':
          return changeSettings(config, locationOf(args.location, config), rest.map((key) => [key, '']), (text, file, key) => deleteNpmrcKey(text, file, key))
        case 'list':
        case 'ls':
          return listSettings(config, args.json === true)
        case 'edit':
        case 'fix':
          throw new SkiffError('EUNSUPPORTED', `skiff config ${subcommand} is not supported: edit ${config.npmrcFiles.user} in your editor`)
        default:
          throw new SkiffError('EUSAGE', `\`${subcommand}\` is not a config command`, { hint: 'skiff config get [<key>...] | set <key>=<value>... | delete <key>... | list' })
      }
    },
  }) as CommandDef<ArgsDef>
}

/** The winning value of each key, as npm prints it: the value alone for one key, key=value lines for several. */
function getSettings(config: Config, keys: readonly string[], json: boolean): number {
  if (keys.length === 0) return listSettings(config, json)
  const values = keys.map((key) => [key, settingOf(config, key)] as const)
  if (json) process.stdout.write(`${JSON.stringify(Object.fromEntries(values), null, 2)}\n`)
  else if (values.length === 1) process.stdout.write(`${printable(values[0]?.[1])}\n`)
  else process.stdout.write(values.map(([key, value]) => `${key}=${printable(value)}\n`).join(''))
  return 0
}

function printable(value: unknown): string {
  if (value === undefined || value === null) return String(value)
  return typeof value === 'string' ? value : Array.isArray(value) ? value.join('\n\n') : String(value)
}

/** npm's list: each layer that sets anything, with its file, then where this skiff runs. */
function listSettings(config: Config, json: boolean): number {
  if (json) {
    const merged: Record<string, unknown> = {}
    for (const source of config.sources) for (const { key, value } of source.settings) merged[key] = value
    process.stdout.write(`${config.redact(JSON.stringify(merged, null, 2))}\n`)
    return 0
  }
  const blocks: string[] = []
  for (const source of config.sources) {
    if (source.settings.length === 0) continue
    const title = source.origin === 'env' ? '; "env" config from environment' : source.origin === 'flags' ? '; "cli" config from command line options' : `; "${source.origin}" config from ${source.file}`
    blocks.push([title, '', ...source.settings.map(({ key, value }) => `${key} = ${value === '(protected)' ? value : config.redact(JSON.stringify(value))}`)].join('\n'))
  }
  blocks.push([`; skiff version = ${version}`, `; local prefix = ${config.projectDir}`, `; global prefix = ${config.globalPrefix}`, `; cwd = ${process.cwd()}`, `; HOME = ${os.homedir()}`].join('\n'))
  process.stdout.write(`${blocks.join('\n\n')}\n`)
  return 0
}

async function changeSettings(config: Config, location: Location, pairs: ReadonlyArray<readonly [string, string]>, change: (text: string, file: string, key: string, value: string) => string): Promise<number> {
  if (pairs.length === 0) throw new SkiffError('EUSAGE', 'name the settings: skiff config set <key>=<value>..., skiff config delete <key>...')
  const file = location === 'project' ? config.npmrcFiles.project ?? path.join(config.projectDir, '.npmrc') : config.npmrcFiles[location]
  let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : ''
  const before = text
  for (const [key, value] of pairs) text = change(text, file, key, value)
  if (text !== before) {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    await writeLockfileAtomic(file, text)
  }
  return 0
}

function pairsOf(words: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = []
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string
    const equals = word.indexOf('=')
    if (equals > 0) pairs.push([word.slice(0, equals), word.slice(equals + 1)])
    else if (words[i + 1] !== undefined) pairs.push([word, words[++i] as string])
    else throw new SkiffError('EUSAGE', `\`${word}\` needs a value: skiff config set ${word}=<value>`)
  }
  return pairs
}

function locationOf(value: unknown, config: Config): Location {
  if (value === undefined) return config.global ? 'global' : 'user'
  if (value === 'user' || value === 'project' || value === 'global') return value
  throw new SkiffError('EUSAGE', `--location must be user, project or global, not "${String(value)}"`)
}
