/**
 * The package.json `skiff init` writes, as npm's init-package-json makes it with its default
 * input and normalize steps, from what the folder holds. Pure: the caller reads the folder.
 *
 * Fields already in package.json stay, in their place; the others follow in npm's order:
 * name (the folder's name without `node-` and `.js`, lower case, in `--scope`), version
 * (`init-version`, 1.0.0), description (the README's first paragraph), main (index.js,
 * main.js, <folder>.js, the first .js file), bin (the first .js in bin/), directories,
 * dependencies and devDependencies (what node_modules already holds), scripts.test (a test
 * runner found in node_modules, else npm's placeholder), repository (git's origin) with bugs
 * and homepage for GitHub, keywords, author (`init-author-*`), license (`init-license`, ISC),
 * type (`init-type`, commonjs), private (`init-private`).
 */
export interface InitFolder {
  /** the folder's own name */
  dirName: string
  /** package.json as it is, or {} */
  existing: Readonly<Record<string, unknown>>
  /** names in the folder */
  files: readonly string[]
  /** names in its bin/ folder */
  binFiles: readonly string[]
  /** node_modules/<name> → its version */
  installed: ReadonlyMap<string, string>
  /** the text of .git/config */
  gitConfig?: string
  /** the text of the README */
  readme?: string
}

export interface InitSettings {
  scope?: string
  version?: string
  license?: string
  type?: string
  authorName?: string
  authorEmail?: string
  authorUrl?: string
  private?: boolean
  savePrefix: string
  saveExact: boolean
}

const NO_TEST = 'echo "Error: no test specified" && exit 1'
const TEST_PACKAGES = ['coco', 'coffee-script', 'expresso', 'jasmine', 'jest', 'mocha', 'streamline', 'tap']
const TEST_COMMANDS: ReadonlyArray<[string, string]> = [['tap', 'tap test/*.js'], ['expresso', 'expresso test'], ['mocha', 'mocha']]

export function initManifest(folder: InitFolder, settings: InitSettings): Record<string, unknown> {
  const existing = folder.existing
  const fields: Record<string, unknown> = {
    name: initName(typeof existing.name === 'string' && existing.name !== '' ? existing.name : folder.dirName, settings.scope),
    version: typeof existing.version === 'string' ? existing.version : settings.version ?? '1.0.0',
    description: typeof existing.description === 'string' && existing.description !== '' ? existing.description : readmeDescription(folder.readme) ?? '',
    main: existing.main ?? mainFile(folder),
  }
  const bin = folder.binFiles.find((name) => name.endsWith('.js'))
  if (existing.bin === undefined && bin !== undefined) fields.bin = { [String(fields.name).replace(/^@[^/]+\//, '')]: `bin/${bin}` }
  const directories = directoriesOf(folder.files)
  if (directories !== undefined) fields.directories = directories
  const dependencies = depsOf(folder, settings, false)
  const devDependencies = depsOf(folder, settings, true)
  if (existing.dependencies === undefined && dependencies !== undefined) fields.dependencies = dependencies
  if (existing.devDependencies === undefined && devDependencies !== undefined) fields.devDependencies = devDependencies
  if (existing.scripts === undefined) fields.scripts = { test: TEST_COMMANDS.filter(([name]) => folder.installed.has(name)).at(-1)?.[1] ?? NO_TEST }
  const repository = existing.repository === undefined ? originUrl(folder.gitConfig) : undefined
  const { bugs, homepage, ...repositoryField } = repository === undefined ? {} : repositoryFields(repository)
  Object.assign(fields, repositoryField)
  fields.keywords = existing.keywords ?? []
  fields.author = existing.author ?? author(settings)
  fields.license = existing.license ?? settings.license ?? 'ISC'
  fields.type = existing.type ?? settings.type ?? 'commonjs'
  if (existing.private !== undefined || settings.private !== undefined) fields.private = existing.private ?? settings.private
  // normalize-package-data adds these last
  if (bugs !== undefined && existing.bugs === undefined) fields.bugs = bugs
  if (homepage !== undefined && existing.homepage === undefined) fields.homepage = homepage
  return { ...existing, ...fields }
}

export function initName(raw: string, scope: string | undefined): string {
  let name = raw.replace(/^node-|[.-]js$/g, '').replace(/\s+/g, ' ').replace(/ /g, '-').toLowerCase()
  if (scope !== undefined && scope !== '') {
    const at = scope.startsWith('@') ? scope : `@${scope}`
    name = `${at}/${name.replace(/^@[^/]+\//, '')}`
  }
  return name
}

/** normalize-package-data's extractDescription: the first paragraph that is not a heading. */
function readmeDescription(readme: string | undefined): string | undefined {
  if (readme === undefined) return undefined
  const lines = readme.trim().split('\n')
  let start = 0
  while (lines[start] !== undefined && /^(#|$)/.test((lines[start] as string).trim())) start++
  let end = start + 1
  while (end < lines.length && (lines[end] as string).trim() !== '') end++
  const text = lines.slice(start, end).join(' ').trim()
  return text === '' ? undefined : text
}

function mainFile(folder: InitFolder): string {
  const scripts = folder.files.filter((name) => name.endsWith('.js'))
  for (const candidate of ['index.js', 'main.js', `${folder.dirName}.js`]) if (scripts.includes(candidate)) return candidate
  return scripts[0] ?? 'index.js'
}

function directoriesOf(files: readonly string[]): Record<string, string> | undefined {
  const found: Record<string, string> = {}
  for (const name of files) {
    if (/^examples?$/.test(name)) found.example = name
    else if (/^tests?$/.test(name)) found.test = name
    else if (/^docs?$/.test(name)) found.doc = name
    else if (name === 'man') found.man = name
    else if (name === 'lib') found.lib = name
  }
  return Object.keys(found).length === 0 ? undefined : found
}

function depsOf(folder: InitFolder, settings: InitSettings, test: boolean): Record<string, string> | undefined {
  const deps: Record<string, string> = {}
  for (const [name, version] of folder.installed) {
    if (TEST_PACKAGES.includes(name) !== test) continue
    deps[name] = settings.saveExact ? version : `${settings.savePrefix}${version}`
  }
  return Object.keys(deps).length === 0 ? undefined : deps
}

function originUrl(gitConfig: string | undefined): string | undefined {
  if (gitConfig === undefined) return undefined
  const lines = gitConfig.split(/\r?\n/)
  const at = lines.indexOf('[remote "origin"]')
  if (at === -1) return undefined
  const line = [lines[at + 1], lines[at + 2]].find((candidate) => candidate !== undefined && /^\s*url =/.test(candidate))
  return line?.replace(/^\s*url = /, '').replace(/^git@github\.com:/, 'https://github.com/')
}

/** normalize-package-data: a GitHub repository gets its git+https form, bugs and homepage. */
function repositoryFields(url: string): Record<string, unknown> {
  const github = /^(?:git\+)?(?:https?|git|ssh):\/\/(?:[^@/]+@)?github\.com\/([^/]+)\/([^/#]+?)(?:\.git)?\/?$/.exec(url)
  if (!github) return { repository: { type: 'git', url } }
  const base = `https://github.com/${github[1]}/${github[2]}`
  return { repository: { type: 'git', url: `git+${base}.git` }, bugs: { url: `${base}/issues` }, homepage: `${base}#readme` }
}

function author(settings: InitSettings): string {
  if (settings.authorName === undefined || settings.authorName === '') return ''
  return `${settings.authorName}${settings.authorEmail ? ` <${settings.authorEmail}>` : ''}${settings.authorUrl ? ` (${settings.authorUrl})` : ''}`
}
