import { defineCommand, type ArgsDef } from 'citty'
import { SkiffError } from '../../error/index.ts'
import { readProjectPackageJson } from '../../lockfile/index.ts'
import {
  createPaint,
  isUnicodeLocale,
  readBooleanSetting,
  renderViewFields,
  renderViewSummary,
  selectViewData,
} from '../../query/index.ts'
import { createRegistryClient } from '../../registry/index.ts'
import { parseSpecArg } from '../../spec/index.ts'
import { metadataArgs, loadCommandConfig, npmFlags, printArgs } from '../command-context.ts'
import { shouldColor } from '../../ui/color.ts'

const viewArgs = {
  package: { type: 'positional', required: false, description: 'name[@version|@range|@tag] (default: the project in the current folder), then fields such as version, dist.tarball, versions' },
  json: { type: 'boolean', description: 'print the fields (or the whole document) as JSON' },
  ...metadataArgs,
  ...printArgs,
} satisfies ArgsDef

export default defineCommand({
  meta: { name: 'view', description: 'Show registry data about a package: a summary, or chosen fields, as `npm view` does' },
  args: viewArgs,
  async run({ args, rawArgs }) {
    // npm revalidates the document for view, whatever its cache age
    const flags = { ...npmFlags(rawArgs, viewArgs), 'prefer-online': true }
    const config = await loadCommandConfig(flags)
    const [written = '.', ...fields] = args._.map(String)
    const pkg = written === '.' || written.startsWith('.@') ? `${await projectName(config.projectDir)}${written.slice(1)}` : written
    const spec = parseSpecArg(pkg, process.cwd())
    const target = spec.type === 'alias' ? spec.subSpec : spec
    if (target.type !== 'range' && target.type !== 'version' && target.type !== 'tag') {
      throw new SkiffError('EUNSUPPORTED', `skiff view reads registry packages; "${pkg}" is a ${spec.type} spec`, { hint: 'name a package from the registry, as name or name@version' })
    }
    const json = readBooleanSetting(args.json, config.raw.json)
    const { packument } = await createRegistryClient(config).fetchPackument(target.name, { fullMetadata: true })
    const data = selectViewData(packument, { rawSpec: spec.rawSpec, defaultTag: config.raw.tag || 'latest', fields, json })
    const color = shouldColor(args.color ?? config.raw.color, process.stdout.isTTY, process.env)
    if (fields.length === 0 && !json) {
      const unicode = config.raw.unicode === undefined ? isUnicodeLocale(process.env) : config.raw.unicode === 'true'
      for (const view of data.versions.values()) {
        process.stdout.write(`${renderViewSummary(data.packument, view, { paint: createPaint(color), unicode, now: new Date() })}\n`)
      }
      return 0
    }
    const output = renderViewFields(data.versions, { json, id: data.id, colors: color })
    if (output.text !== undefined) process.stdout.write(`${output.text}\n`)
    if (output.json !== undefined) process.stdout.write(`${JSON.stringify(output.json, null, 2)}\n`)
    return 0
  },
})

async function projectName(projectDir: string): Promise<string> {
  const { data } = await readProjectPackageJson(projectDir)
  if (typeof data.name !== 'string' || data.name === '') {
    throw new SkiffError('EUSAGE', `${projectDir}/package.json has no "name" field`, { hint: 'name the package to view: skiff view <name>' })
  }
  return data.name
}
