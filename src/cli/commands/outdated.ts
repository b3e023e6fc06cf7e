import { defineCommand, type ArgsDef } from 'citty'
import { isSkiffError } from '../../error/index.ts'
import {
  createPaint,
  loadActualTree,
  outdatedRow,
  readBooleanSetting,
  renderOutdatedJson,
  renderOutdatedParseable,
  renderOutdatedTable,
  selectOutdatedChecks,

  sortOutdatedRows,
  type OutdatedCheck,
  type OutdatedRow,
} from '../../query/index.ts'
import { createRegistryClient } from '../../registry/index.ts'
import { defaultNodeVersion, parsePackument, type Packument } from '../../resolve/index.ts'
import { metadataArgs, loadCommandConfig, npmFlags, printArgs } from '../command-context.ts'
import { shouldColor } from '../../ui/color.ts'

const outdatedArgs = {
  packages: { type: 'positional', required: false, description: 'check only the dependencies on these installed packages' },
  all: { type: 'boolean', alias: 'a', description: 'every dependency in the tree, not only those of the project and its workspaces' },
  json: { type: 'boolean', description: 'print a JSON object keyed by package name' },
  long: { type: 'boolean', alias: 'l', description: 'add the dependency type, the homepage and the location of the dependent' },
  parseable: { type: 'boolean', alias: 'p', description: 'print path:name@wanted:name@current:name@latest:dependent lines' },
  omit: { type: 'string', description: 'leave out dev, optional or peer dependencies (repeatable)', valueHint: 'dev|optional|peer' },
  include: { type: 'string', description: 'keep dependency types that NODE_ENV=production or --omit would leave out' },
  ...metadataArgs,
  ...printArgs,
} satisfies ArgsDef

/** Packuments fetched at once. */
const FETCH_CONCURRENCY = 16

interface FetchedPackument {
  packument: Packument
  homepage: string | undefined
}

export default defineCommand({
  meta: { name: 'outdated', description: 'List dependencies with newer versions: current, wanted and latest, as `npm outdated` does' },
  args: outdatedArgs,
  async run({ args, rawArgs }) {
    // npm revalidates packuments for outdated, whatever their cache age
    const flags = { ...npmFlags(rawArgs, outdatedArgs), 'prefer-online': true }
    const config = await loadCommandConfig(flags)
    const long = readBooleanSetting(args.long, config.raw.long)
    const tree = await loadActualTree(config.projectDir, { legacyPeerDeps: config.legacyPeerDeps })
    const checks = selectOutdatedChecks(tree, { all: readBooleanSetting(args.all, config.raw.all), names: args._.map(String), omit: config.omit })
    const registry = createRegistryClient(config)
    const fetched = await fetchAll([...new Set(checks.map((check) => check.packageName))], async (name) => {
      try {
        const { packument } = await registry.fetchPackument(name, { fullMetadata: long })
        const homepage = typeof packument === 'object' && packument !== null ? (packument as Record<string, unknown>).homepage : undefined
        return { packument: parsePackument(packument, name), homepage: typeof homepage === 'string' ? homepage : undefined }
      } catch (error) {
        // as npm: a package the registry does not have (or hides) is left out
        if (isSkiffError(error) && (error.code === 'E404' || error.code === 'E403')) return undefined
        throw error
      }
    })
    const pickOptions = { nodeVersion: defaultNodeVersion(), defaultTag: config.raw.tag || 'latest', root: tree.root }
    const rows = sortOutdatedRows(checks.flatMap((check: OutdatedCheck): OutdatedRow[] => {
      const found = fetched.get(check.packageName)
      const row = found === undefined ? undefined : outdatedRow(check, found.packument, { ...pickOptions, homepage: found.homepage })
      return row === undefined ? [] : [row]
    }))
    if (readBooleanSetting(args.json, config.raw.json)) {
      process.stdout.write(`${JSON.stringify(renderOutdatedJson(rows, { long }), null, 2)}\n`)
    } else if (readBooleanSetting(args.parseable, config.raw.parseable)) {
      if (rows.length > 0) process.stdout.write(`${renderOutdatedParseable(rows, { long })}\n`)
    } else if (rows.length > 0) {
      process.stdout.write(`${renderOutdatedTable(rows, { long, paint: createPaint(shouldColor(args.color ?? config.raw.color, process.stdout.isTTY, process.env)) })}\n`)
    }
    return rows.length > 0 ? 1 : 0
  },
})

/** Each name's result, at most FETCH_CONCURRENCY requests at a time. */
async function fetchAll(names: readonly string[], fetchOne: (name: string) => Promise<FetchedPackument | undefined>): Promise<Map<string, FetchedPackument>> {
  const results = new Map<string, FetchedPackument>()
  let next = 0
  const worker = async () => {
    while (next < names.length) {
      const name = names[next++] as string
      const result = await fetchOne(name)
      if (result !== undefined) results.set(name, result)
    }
  }
  await Promise.all(Array.from({ length: Math.min(FETCH_CONCURRENCY, names.length) }, worker))
  return results
}
