import path from 'node:path'
import { defineCommand, type ArgsDef } from 'citty'
import { SkiffError } from '../../error/index.ts'
import { formatPackageJson } from '../../install/save-package-json.ts'
import { deleteField, getField, readProjectPackageJson, setField, writeLockfileAtomic } from '../../lockfile/index.ts'
import { loadCommandConfig, npmFlags, prefixArg } from '../command-context.ts'

const pkgArgs = {
  subcommand: { type: 'positional', required: false, description: 'get [<key>...] | set <key>=<value>... | delete <key>...' },
  json: { type: 'boolean', description: 'set: read the values as JSON (numbers, booleans, objects)' },
  ...prefixArg,
} satisfies ArgsDef

export default defineCommand({
  meta: { name: 'pkg', description: 'Read and change fields of package.json, as `npm pkg`: keys like name, scripts.test, files[0], keywords[]' },
  args: pkgArgs,
  async run({ args, rawArgs }) {
    const config = await loadCommandConfig(npmFlags(rawArgs, pkgArgs))
    const [subcommand, ...keys] = args._.map(String)
    const file = await readProjectPackageJson(config.projectDir)
    if (subcommand === 'get') {
      // npm: the whole file, one value, or an object of the keys found
      const value = keys.length === 0 ? file.data : keys.length === 1 ? (getField(file.data, keys[0] as string) ?? {}) : found(file.data, keys)
      process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
      return 0
    }
    let data = file.data
    if (subcommand === 'set') {
      if (keys.length === 0) throw usage('skiff pkg set expects key=value pairs')
      for (const pair of keys) {
        const equals = pair.indexOf('=')
        if (equals <= 0) throw usage(`skiff pkg set expects key=value pairs, not "${pair}"`)
        data = setField(data, pair.slice(0, equals), valueOf(pair.slice(equals + 1), args.json === true))
      }
    } else if (subcommand === 'delete') {
      if (keys.length === 0) throw usage('skiff pkg delete expects the keys to delete')
      for (const key of keys) data = deleteField(data, key)
    } else if (subcommand === 'fix') {
      throw new SkiffError('EUNSUPPORTED', 'skiff pkg fix is not supported: use npm pkg fix')
    } else {
      throw usage(subcommand === undefined ? 'skiff pkg needs a subcommand' : `\`${subcommand}\` is not a pkg command`)
    }
    // written as it was: same indent and line endings, as npm keeps them
    const text = formatPackageJson(data, { indent: file.indent, newline: file.newline })
    if (text !== file.text) await writeLockfileAtomic(path.join(config.projectDir, 'package.json'), text)
    return 0
  },
})

function found(data: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const result: Record<string, unknown> = {}
  for (const key of keys) {
    const value = getField(data, key)
    if (value !== undefined) result[key] = value
  }
  return result
}

function valueOf(text: string, json: boolean): unknown {
  if (!json) return text
  try {
    return JSON.parse(text)
  } catch {
    throw usage(`--json: ${text} is not JSON`)
  }
}

function usage(message: string): SkiffError {
  return new SkiffError('EUSAGE', message, { hint: 'skiff pkg get [<key>...] | set <key>=<value>... [--json] | delete <key>...' })
}
