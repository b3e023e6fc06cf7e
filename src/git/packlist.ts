/**
 * The files `npm pack` puts in a package, with npm-packlist 10's rules (npm 11.19), walked as
 * ignore-walk 8 walks: every folder is read, its ignore files are read, and each entry is
 * matched against the rule sets in order — the defaults, then `files` from package.json (root
 * only), `.npmignore`, else `.gitignore`, then the strict rules — the last matching rule
 * deciding, a folder's parents deciding first. Patterns are minimatch's with gitignore-like
 * options (matchBase, dot, nocase). The strict rules always keep package.json, readme, license,
 * licence, copying, `main`, `browser` and the bins, and always drop .git, node_modules, .npmrc
 * and lockfiles. Only files and folders are packed (symlinks are not), and nothing whose name
 * holds a `*`. Bundled dependencies are packed from node_modules (packPackage).
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import { Minimatch } from 'minimatch'

const DEFAULT_RULES = [
  '.npmignore', '.gitignore', '**/.git', '**/.svn', '**/.hg', '**/CVS', '**/.git/**', '**/.svn/**', '**/.hg/**',
  '**/CVS/**', '/.lock-wscript', '/.wafpickle-*', '/build/config.gypi', 'npm-debug.log', '**/.npmrc', '.*.swp',
  '.DS_Store', '**/.DS_Store/**', '._*', '**/._*/**', '*.orig', '/archived-packages/**',
]
const STRICT_DEFAULTS = ['/.git']
const ALWAYS_KEPT = ['!/package.json', '!/readme{,.*[^~$]}', '!/copying{,.*[^~$]}', '!/license{,.*[^~$]}', '!/licence{,.*[^~$]}']
const ALWAYS_DROPPED = ['/.git', '/node_modules', '.npmrc', '/package-lock.json', '/yarn.lock', '/pnpm-lock.yaml', '/bun.lockb']
const MATCH_OPTIONS = { matchBase: true, dot: true, flipNegate: true, nocase: true }

/** The rule sets, in the order they apply; the synthetic ones are named so no file can take their place. */
const DEFAULTS = Symbol('defaults')
const STRICT = Symbol('strict')
type RuleSetName = typeof DEFAULTS | typeof STRICT | 'package.json' | '.npmignore' | '.gitignore'

interface Walker {
  dir: string
  basename: string
  parent: Walker | undefined
  order: RuleSetName[]
  rules: Map<RuleSetName, Minimatch[]>
  /** a folder named by the parents' rules itself: its own rules may bring back what they dropped */
  exact: boolean
}

/** Paths relative to `dir`, `/`-separated, sorted. `manifest` is the package's package.json. */
export async function packlist(dir: string, manifest: Record<string, unknown>): Promise<string[]> {
  const result = new Set<string>()
  await packPackage({ dir, manifest, isProjectRoot: true, isLink: false }, dir, result, new Set())
  return [...result].sort()
}

interface PackedPackage {
  dir: string
  manifest: Record<string, unknown>
  isProjectRoot: boolean
  /** a symlinked bundled package: its own ignore files and the defaults apply, as for the root */
  isLink: boolean
}

/**
 * One package's files, then those of the packages it bundles (npm-packlist's gatherBundles): the
 * project root bundles its `bundleDependencies` (not dev or peer ones), a bundled package all of
 * its dependencies and optional dependencies, each found as Node finds it from the package and
 * walked with only its package.json and the strict rules (a symlinked one with the defaults
 * and its ignore files too). Each package is bundled once.
 */
async function packPackage(pkg: PackedPackage, projectDir: string, result: Set<string>, seen: Set<string>): Promise<void> {
  const order: RuleSetName[] = pkg.isProjectRoot || pkg.isLink ? [DEFAULTS, 'package.json', '.npmignore', '.gitignore', STRICT] : ['package.json', STRICT]
  const files: string[] = []
  const realDir = pkg.isLink ? await fs.realpath(pkg.dir) : pkg.dir
  await walk({ dir: realDir, basename: path.basename(realDir), parent: undefined, order, rules: new Map(), exact: false }, realDir, files, await rootRules(realDir, pkg.manifest))
  const prefix = path.relative(projectDir, pkg.dir).split(path.sep).join('/')
  for (const file of files) result.add(prefix === '' ? file : `${prefix}/${file}`)
  if (seen.has(pkg.dir)) return
  seen.add(pkg.dir)
  for (const name of bundledNames(pkg.manifest, pkg.isProjectRoot)) {
    const found = await findPackage(name, pkg.dir, projectDir)
    if (found === undefined) continue
    await packPackage({ ...found, isProjectRoot: false }, projectDir, result, seen)
  }
}

function bundledNames(manifest: Record<string, unknown>, isProjectRoot: boolean): string[] {
  const dependencies = Object.keys(asRecord(manifest.dependencies))
  const optional = Object.keys(asRecord(manifest.optionalDependencies))
  if (!isProjectRoot) return [...dependencies, ...optional]
  const bundle = manifest.bundleDependencies ?? manifest.bundledDependencies
  const wanted = bundle === true ? dependencies : Array.isArray(bundle) ? bundle.filter((name): name is string => typeof name === 'string') : []
  // dev and peer dependencies are never bundled, nor names that are no dependency at all
  const prod = new Set([...dependencies, ...optional])
  const peer = asRecord(manifest.peerDependencies)
  return wanted.filter((name) => prod.has(name) && !(name in peer))
}

/** `name` as Node resolves it from `fromDir`, looking no higher than the project. */
async function findPackage(name: string, fromDir: string, projectDir: string): Promise<Omit<PackedPackage, 'isProjectRoot'> | undefined> {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    if (path.basename(dir) !== 'node_modules') {
      const candidate = path.join(dir, 'node_modules', name)
      const stat = await fs.lstat(candidate).catch(() => undefined)
      const manifest = stat === undefined ? undefined : await readManifest(candidate)
      if (stat !== undefined && manifest !== undefined) return { dir: candidate, manifest, isLink: stat.isSymbolicLink() }
    }
    if (dir === projectDir || !dir.startsWith(`${projectDir}${path.sep}`)) return undefined
  }
}

async function readManifest(dir: string): Promise<Record<string, unknown> | undefined> {
  try {
    return asRecord(JSON.parse(await fs.readFile(path.join(dir, 'package.json'), 'utf8')))
  } catch {
    return undefined
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

interface RootRules {
  files: string[] | undefined
  strict: string[]
  requiredFiles: string[]
}

async function rootRules(dir: string, manifest: Record<string, unknown>): Promise<RootRules> {
  const strict = [...STRICT_DEFAULTS, ...ALWAYS_KEPT, ...ALWAYS_DROPPED]
  const requiredFiles: string[] = []
  let files: string[] | undefined
  if (Array.isArray(manifest.files)) {
    const ignores: string[] = []
    for (const entry of manifest.files) {
      if (typeof entry !== 'string') continue
      let file = entry.startsWith('./') ? entry.slice(1) : entry
      if (file.endsWith('/*')) file += '*'
      const stat = await fs.lstat(path.join(dir, file.replace(/^!+/, ''))).catch(() => undefined)
      if (stat === undefined) ignores.push(`!${file}`)
      else if (stat.isFile()) {
        strict.unshift(`!${file}`)
        requiredFiles.push(file.startsWith('/') ? file.slice(1) : file)
      } else if (stat.isDirectory()) ignores.push(`!${file}`, `!${file}/**`)
    }
    files = ['*', ...ignores]
  }
  for (const field of ['browser', 'main'] as const) {
    const value = manifest[field]
    if (typeof value === 'string' && value !== '') strict.push(`!/${value}`)
  }
  for (const bin of binPaths(manifest.bin, manifest.name)) strict.push(`!/${bin}`)
  return { files, strict, requiredFiles }
}

function binPaths(bin: unknown, name: unknown): string[] {
  if (typeof bin === 'string') return typeof name === 'string' ? [bin] : []
  if (typeof bin !== 'object' || bin === null) return []
  return Object.values(bin).filter((value): value is string => typeof value === 'string')
}

async function walk(walker: Walker, rootDir: string, result: string[], root: RootRules | undefined, requiredFiles: string[] = []): Promise<void> {
  const entries = await fs.readdir(walker.dir)
  walker.rules.set(DEFAULTS, compile(DEFAULT_RULES))
  if (root === undefined) walker.rules.set(STRICT, compile([...STRICT_DEFAULTS, ...requiredFiles.map((file) => `!${file}`)]))
  else {
    walker.rules.set(STRICT, compile(root.strict))
    if (root.files !== undefined && entries.includes('package.json')) walker.rules.set('package.json', compile(root.files))
  }
  for (const name of ['.npmignore', '.gitignore'] as const) {
    if (walker.order.includes(name) && entries.includes(name)) walker.rules.set(name, compile((await fs.readFile(path.join(walker.dir, name), 'utf8')).split(/\r?\n/)))
  }
  // package.json's `files` overrides both ignore files, .npmignore overrides .gitignore
  if (walker.rules.has('package.json')) {
    walker.rules.delete('.npmignore')
    walker.rules.delete('.gitignore')
  } else if (walker.rules.has('.npmignore')) walker.rules.delete('.gitignore')

  const required = root?.requiredFiles ?? []
  for (const entry of entries.sort()) {
    const asFile = isIncluded(walker, entry, false)
    const asDir = isIncluded(walker, entry, true)
    if ((!asFile && !asDir) || entry.includes('*')) continue
    const full = path.join(walker.dir, entry)
    const stat = await fs.lstat(full)
    if (stat.isFile()) {
      if (asFile) result.push(path.relative(rootDir, full).split(path.sep).join('/'))
    } else if (stat.isDirectory() && asDir) {
      const child: Walker = {
        dir: full,
        basename: entry,
        parent: walker,
        order: [DEFAULTS, '.npmignore', '.gitignore', STRICT],
        rules: new Map(),
        exact: asFile || isIncluded(walker, `${entry}/`, false),
      }
      const inside = required.filter((file) => path.posix.dirname(file) === entry).map((file) => path.posix.basename(file))
      await walk(child, rootDir, result, undefined, inside)
    }
  }
}

function compile(lines: readonly string[]): Minimatch[] {
  return lines.filter((line) => !/^#|^$/.test(line.trim())).map((line) => new Minimatch(line.trim(), MATCH_OPTIONS))
}

/** ignore-walk's filterEntry: the parents' verdict first, then this folder's rule sets in order. */
function isIncluded(walker: Walker, entry: string, partial: boolean, entryBasename?: string): boolean {
  let included = true
  if (walker.parent !== undefined) {
    included = isIncluded(walker.parent, `${walker.basename}/${entry}`, partial, entryBasename ?? entry)
    if (!included && !walker.exact) return false
  }
  for (const name of walker.order) {
    for (const rule of walker.rules.get(name) ?? []) {
      if (rule.negate === included) continue
      if (matches(rule, entry, partial, entryBasename)) included = rule.negate
    }
  }
  return included
}

function matches(rule: Minimatch, entry: string, partial: boolean, entryBasename: string | undefined): boolean {
  if (rule.match(`/${entry}`) || rule.match(entry)) return true
  if (!partial) return false
  if (rule.match(`/${entry}/`) || rule.match(`${entry}/`)) return true
  if (rule.negate && (rule.match(`/${entry}`, true) || rule.match(entry, true))) return true
  if (entryBasename === undefined) return false
  const isRelativeRule = rule.globParts.some((part) => part.length <= (part.at(-1) ? 1 : 2))
  if (!isRelativeRule) return false
  if (rule.match(`/${entryBasename}/`) || rule.match(`${entryBasename}/`)) return true
  return rule.negate && (rule.match(`/${entryBasename}`, true) || rule.match(entryBasename, true))
}
