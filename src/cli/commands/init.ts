import fs from 'node:fs'
import path from 'node:path'
import { defineCommand, type ArgsDef } from 'citty'
import { SkiffError } from '../../error/index.ts'
import { formatPackageJson } from '../../install/save-package-json.ts'
import { initManifest, readPackageJson, writeLockfileAtomic, type InitFolder } from '../../lockfile/index.ts'
import { parseSpecArg } from '../../spec/index.ts'
import { settingOf } from '../../config/index.ts'
import { loadCommandConfig, npmFlags } from '../command-context.ts'

const initArgs = {
  initializer: { type: 'positional', required: false, description: '<initializer>: run create-<initializer> through skiff exec instead' },
  yes: { type: 'boolean', alias: 'y', description: 'write the defaults without asking' },
  scope: { type: 'string', description: 'the scope of the package name (@scope/name)' },
  prefix: { type: 'string', description: 'the folder to write package.json in (default: the current one)' },
} satisfies ArgsDef

export default defineCommand({
  meta: { name: 'init', description: 'Create or complete package.json (-y: without asking); `init <initializer>` runs create-<initializer>' },
  args: initArgs,
  async run({ args, rawArgs }) {
    const [initializer, ...rest] = args._.map(String)
    if (initializer !== undefined) {
      // npm init foo -> npm exec create-foo; @scope -> @scope/create; @scope/foo -> @scope/create-foo
      const { execCommand } = await import('./exec.ts')
      const own = rawArgs.filter((arg) => arg.startsWith('-') && !rest.includes(arg) && arg !== initializer)
      return execCommand([...own, initializerPackage(initializer), ...rest])
    }
    const config = await loadCommandConfig(npmFlags(rawArgs, initArgs))
    const dir = typeof args.prefix === 'string' ? path.resolve(args.prefix) : process.cwd()
    const current = await readPackageJson(dir).catch((error: unknown) => {
      if (isMissing(error)) return undefined
      throw error
    })
    // npm reads init-* and the older init.* spelling
    const given = (...keys: string[]) => keys.map((key) => settingOf(config, key)).find((value): value is string => typeof value === 'string' && value !== '')
    const initPrivate = settingOf(config, 'init-private')
    const manifest = initManifest(readFolder(dir, current?.data ?? {}), {
      ...optional('scope', typeof args.scope === 'string' ? args.scope : given('scope')),
      ...optional('version', given('init-version', 'init.version')),
      ...optional('license', given('init-license', 'init.license')),
      ...optional('type', given('init-type')),
      ...optional('authorName', given('init-author-name', 'init.author.name')),
      ...optional('authorEmail', given('init-author-email', 'init.author.email')),
      ...optional('authorUrl', given('init-author-url', 'init.author.url')),
      ...(initPrivate === undefined ? {} : { private: initPrivate === true || initPrivate === 'true' }),
      savePrefix: config.savePrefix,
      saveExact: config.saveExact,
    })
    const file = path.join(dir, 'package.json')
    const yes = args.yes === true || config.yes === true || config.force
    const answered = yes ? manifest : ask(manifest, file)
    if (answered === undefined) {
      process.stdout.write('Aborted.\n')
      return 0
    }
    const text = formatPackageJson(answered, { indent: current?.indent ?? '  ', newline: current?.newline ?? '\n' })
    await writeLockfileAtomic(file, text)
    if (config.loglevel !== 'silent' && yes) process.stdout.write(`Wrote to ${file}:\n\n${text}\n\n`)
    return 0
  },
})

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined || value === '' ? {} : ({ [key]: value } as Record<K, string>)
}

/** create-<name>: what `npm init <initializer>` runs (npm's init.js rules). */
export function initializerPackage(initializer: string): string {
  if (/^@[^/]+$/.test(initializer)) return `${initializer}/create`
  const spec = parseSpecArg(initializer, process.cwd())
  if (spec.name === undefined || (spec.type !== 'range' && spec.type !== 'version' && spec.type !== 'tag')) {
    throw new SkiffError('EUNSUPPORTED', `skiff init runs registry initializers only, not "${initializer}"`, { hint: 'skiff init <name> runs create-<name> from the registry' })
  }
  const name = spec.name.startsWith('@') ? spec.name.replace('/', '/create-') : `create-${spec.name}`
  return spec.rawSpec === '' ? name : `${name}@${spec.rawSpec}`
}

function readFolder(dir: string, existing: Record<string, unknown>): InitFolder {
  const files = names(dir)
  const installed = new Map<string, string>()
  for (const name of names(path.join(dir, 'node_modules'))) {
    if (name.startsWith('.')) continue
    const version = readJson(path.join(dir, 'node_modules', name, 'package.json'))?.version
    if (typeof version === 'string') installed.set(name, version)
  }
  const readme = files.find((name) => /^readme\.md$/i.test(name)) ?? files.find((name) => /^readme(\.|$)/i.test(name))
  const gitConfig = readText(path.join(dir, '.git', 'config'))
  const readmeText = readme === undefined ? undefined : readText(path.join(dir, readme))
  return {
    dirName: path.basename(dir),
    existing,
    files,
    binFiles: names(path.join(dir, 'bin')),
    installed,
    ...(gitConfig === undefined ? {} : { gitConfig }),
    ...(readmeText === undefined ? {} : { readme: readmeText }),
  }
}

/** npm's questions, each with its default; an empty answer (or the end of input) takes it. */
function ask(manifest: Record<string, unknown>, file: string): Record<string, unknown> | undefined {
  process.stdout.write([
    'This utility will walk you through creating a package.json file.',
    'It only covers the most common items, and tries to guess sensible defaults.',
    '',
    'Press ^C at any time to quit.',
    '',
  ].join('\n'))
  const answer = (question: string, fallback: string) => {
    const typed = prompt(`${question}:${fallback === '' ? '' : ` (${fallback})`}`)
    return typed === null || typed.trim() === '' ? fallback : typed.trim()
  }
  const scripts = (manifest.scripts ?? {}) as Record<string, string>
  const result = { ...manifest }
  result.name = answer('package name', String(manifest.name))
  result.version = answer('version', String(manifest.version))
  result.description = answer('description', String(manifest.description ?? ''))
  result.main = answer('entry point', String(manifest.main ?? 'index.js'))
  result.scripts = { ...scripts, test: answer('test command', scripts.test ?? '') }
  const repository = answer('git repository', typeof manifest.repository === 'object' && manifest.repository !== null ? String((manifest.repository as { url?: unknown }).url ?? '') : '')
  if (repository !== '') result.repository = { type: 'git', url: repository }
  const keywords = answer('keywords', '')
  result.keywords = keywords === '' ? manifest.keywords ?? [] : keywords.split(/[\s,]+/)
  result.author = answer('author', String(manifest.author ?? ''))
  result.license = answer('license', String(manifest.license ?? 'ISC'))
  result.type = answer('type', String(manifest.type ?? 'commonjs'))
  process.stdout.write(`About to write to ${file}:\n\n${JSON.stringify(result, null, 2)}\n\n`)
  return answer('Is this OK?', 'yes').toLowerCase().startsWith('y') ? result : undefined
}

function names(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort()
  } catch {
    return []
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>
  } catch {
    return undefined
  }
}

function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT'
}
