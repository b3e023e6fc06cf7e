/**
 * `skiff exec` / `skiff x`, as libnpmexec does it:
 *   1. `x <cmd> args` with no --package: a `node_modules/.bin/<cmd>` in the project folder or
 *      any folder above it runs directly. Otherwise <cmd> is taken as a package spec.
 *   2. Each package (--package, or that spec) is looked for in the project's node_modules; a
 *      registry spec is satisfied there by an installed version it accepts (a bare name or a
 *      dist-tag only by the version it picks now).
 *   3. What is missing is installed into a folder of the exec cache named by a hash of the
 *      specs (`<cache>/v1/exec/<hash>/`, with its own package.json, lockfile and
 *      node_modules) and its `.bin` goes first on PATH; a cached install is reused while it
 *      still holds the version the spec picks.
 *   4. <cmd> becomes the bin of the first package (its only bin, or the one named like the
 *      package), and `<cmd> args` (or `-c '<cmd>'`) runs as the `npx` event in the current
 *      folder, in the foreground, with the script environment.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import semver from 'semver'
import { SkiffError } from '../error/index.ts'
import { readPackageJson } from '../lockfile/index.ts'
import { parseSpecArg, type RegistrySpec, type Spec } from '../spec/index.ts'
import type { ScriptRunner } from './script-runner.ts'

export interface ExecRequest {
  /** where the command runs (the current folder) */
  cwd: string
  /** the project whose node_modules is looked in */
  projectDir: string
  /** skiff's cache root */
  cacheDir: string
  /** --package values */
  packages: readonly string[]
  /** -c */
  call?: string
  args: readonly string[]
  /** --yes (true), --no (false), neither (undefined) */
  yes: boolean | undefined
}

export interface ExecServices {
  run: ScriptRunner
  /** the version a registry spec picks from the registry now */
  pickVersion(spec: RegistrySpec): Promise<string>
  /** installs the dependencies of `<dir>/package.json` into `<dir>/node_modules` */
  install(dir: string): Promise<void>
  warn(line: string): void
  /** asks before installing; absent: install without asking (no terminal, or CI) */
  confirm?(packages: readonly string[]): Promise<boolean>
}

export interface ExecResult {
  code: number
  signal: string | null
}

export async function execPackage(request: ExecRequest, services: ExecServices): Promise<ExecResult> {
  if (request.call !== undefined && request.args.length > 0) {
    throw new SkiffError('EUSAGE', '--call (-c) and a command cannot be given together', { hint: "use `skiff exec -c '<cmd> [args...]'` or `skiff exec <pkg> [args...]`" })
  }
  if (request.call === undefined && request.args.length === 0) {
    throw new SkiffError('EUSAGE', 'skiff exec needs a command or a package to run', { hint: 'skiff exec <pkg>[@<version>] [args...], or --package=<pkg> -c "<cmd>"' })
  }
  const args = [...request.args]
  const packages = [...request.packages]
  const binPaths: string[] = []
  const swapCommand = args.length > 0 && packages.length === 0
  if (swapCommand) {
    const localBin = await findLocalBin(request.projectDir, args[0] as string)
    if (localBin !== undefined) return runCommand(request, services, args, [localBin])
    packages.push(args[0] as string)
  }

  const wanted: Wanted[] = packages.map((raw) => ({ raw, spec: parseSpecArg(raw, request.cwd) }))
  const unsupported = wanted.find((want) => !isRegistry(want.spec))
  if (unsupported !== undefined) {
    throw new SkiffError('EUNSUPPORTED', `skiff exec runs registry packages only, not "${unsupported.raw}"`, {
      hint: 'name a registry package: <name>, <name>@<version>, <name>@<range> or <name>@<tag>',
    })
  }
  // the project's own tree first: no network unless a dist-tag must be looked up
  const local: Array<Record<string, unknown> | undefined> = []
  for (const want of wanted) {
    if (want.spec.type === 'tag') want.version = await services.pickVersion(want.spec)
    local.push(await installedManifest(request.projectDir, want, false))
  }
  let commandManifest = local[0]
  if (local.some((manifest) => manifest === undefined)) {
    // the exec cache holds what a spec picks now: a newer release means a new install
    for (const want of wanted) if (isRegistry(want.spec)) want.version ??= await services.pickVersion(want.spec)
    const installDir = execCacheDir(request.cacheDir, packages)
    const cached = await Promise.all(wanted.map((want) => installedManifest(installDir, want, true)))
    if (cached.some((manifest) => manifest === undefined)) {
      await confirmInstall(request, services, wanted.map((want) => (want.version ? `${want.spec.name}@${want.version}` : want.raw)))
      await writeExecProject(installDir, wanted, packages)
      await services.install(installDir)
    }
    commandManifest = (await installedManifest(installDir, wanted[0] as Wanted, true)) ?? (await firstDependency(installDir))
    binPaths.push(path.join(installDir, 'node_modules', '.bin'))
  }
  if (swapCommand) args[0] = binFromManifest(commandManifest ?? {})
  return runCommand(request, services, args, binPaths)
}

interface Wanted {
  raw: string
  spec: Spec
  /** the version a registry spec picks from the registry, once looked up */
  version?: string
}

function isRegistry(spec: Spec): spec is RegistrySpec {
  return spec.type === 'version' || spec.type === 'range' || spec.type === 'tag'
}

async function runCommand(request: ExecRequest, services: ExecServices, args: string[], binPaths: string[]): Promise<ExecResult> {
  // the command itself is quoted so its name is never a shell keyword or expansion
  const [command, ...rest] = args
  const script = request.call ?? `'${(command as string).replace(/'/g, `'\\''`)}'`
  const manifest = await readPackageJson(request.projectDir).then((file) => file.data, () => ({}))
  const result = await services.run({
    dir: request.cwd,
    event: 'npx',
    script,
    args: request.call === undefined ? rest : [],
    manifest,
    binPaths,
    stdio: 'inherit',
  })
  return { code: result.code, signal: result.signal }
}

/** `<dir>/node_modules/.bin/<name>`, looking in `dir` and every folder above it. */
export async function findLocalBin(dir: string, name: string): Promise<string | undefined> {
  if (name.includes('/')) return undefined
  let current = path.resolve(dir)
  for (;;) {
    const binDir = path.join(current, 'node_modules', '.bin')
    if (await stat(path.join(binDir, name)).then((found) => found.isFile(), () => false)) return binDir
    const parent = path.dirname(current)
    if (parent === current) return undefined
    current = parent
  }
}

/**
 * The package.json of `want` at `<dir>/node_modules/<name>` when the installed version is one
 * it accepts: any version for a bare name, a satisfying one for a range, the exact one for a
 * version; with `exact`, only the version picked from the registry now.
 */
async function installedManifest(dir: string, want: Wanted, exact: boolean): Promise<Record<string, unknown> | undefined> {
  const { spec } = want
  if (!isRegistry(spec)) return undefined
  const manifest = await readPackageJson(path.join(dir, 'node_modules', spec.name)).then((file) => file.data, () => undefined)
  const version = manifest?.version
  if (manifest === undefined || typeof version !== 'string') return undefined
  if (exact || spec.type === 'tag') return version === want.version ? manifest : undefined
  if (spec.type === 'version') return version === spec.fetchSpec ? manifest : undefined
  return spec.fetchSpec === '*' || semver.satisfies(version, spec.fetchSpec, { loose: true }) ? manifest : undefined
}

async function firstDependency(installDir: string): Promise<Record<string, unknown> | undefined> {
  const { data } = await readPackageJson(installDir)
  const name = Object.keys((data.dependencies ?? {}) as Record<string, string>)[0]
  if (name === undefined) return undefined
  return readPackageJson(path.join(installDir, 'node_modules', name)).then((file) => file.data, () => undefined)
}

/** `<cache>/v1/exec/<first 16 hex of sha512 over the sorted specs>`, as npm names its npx folders. */
export function execCacheDir(cacheDir: string, packages: readonly string[]): string {
  const hash = new Bun.CryptoHasher('sha512').update([...packages].sort((a, b) => a.localeCompare(b, 'en')).join('\n')).digest('hex').slice(0, 16)
  return path.join(cacheDir, 'v1', 'exec', hash)
}

async function writeExecProject(installDir: string, wanted: readonly Wanted[], packages: readonly string[]): Promise<void> {
  await mkdir(installDir, { recursive: true })
  const dependencies: Record<string, string> = {}
  for (const { spec, version } of wanted) if (isRegistry(spec)) dependencies[spec.name] = version ?? spec.fetchSpec
  const file = path.join(installDir, 'package.json')
  const text = `${JSON.stringify({ dependencies, _npx: { packages } }, null, 2)}\n`
  if ((await readFile(file, 'utf8').catch(() => undefined)) !== text) await writeFile(file, text)
}

async function confirmInstall(request: ExecRequest, services: ExecServices, missing: string[]): Promise<void> {
  if (request.yes === true) return
  if (request.yes === false) {
    // npm's words, so a CI log reads as npx's would
    throw new SkiffError('EUSAGE', `npx canceled due to missing packages and no YES option: ${JSON.stringify(missing)}`, {
      hint: 'yes is false (--no, --yes=false, npm_config_yes=false or yes=false in an .npmrc): give --yes to install them',
    })
  }
  if (services.confirm) {
    if (!(await services.confirm(missing))) throw new SkiffError('EABORT', 'exec canceled')
    return
  }
  services.warn(`The following package${missing.length === 1 ? ' was' : 's were'} not found and will be installed: ${missing.join(', ')}`)
}

/** The bin to run: the only one (or all aliases of one file), else the one named like the package. */
export function binFromManifest(manifest: Readonly<Record<string, unknown>>): string {
  const name = typeof manifest.name === 'string' ? manifest.name : ''
  const unscoped = name.replace(/^@[^/]+\//, '')
  const raw = manifest.bin
  const bin: Record<string, string> = typeof raw === 'string' ? { [unscoped]: raw } : typeof raw === 'object' && raw !== null ? (raw as Record<string, string>) : {}
  if (new Set(Object.values(bin)).size === 1) return Object.keys(bin)[0] as string
  if (bin[unscoped] !== undefined) return unscoped
  throw new SkiffError('ENOBIN', `could not determine the executable to run for ${name || 'the package'}`, {
    pkg: name,
    hint: Object.keys(bin).length > 0
      ? `it has several bins (${Object.keys(bin).join(', ')}): name one with \`skiff exec --package=${name} -- <bin> [args...]\``
      : 'the package declares no bin',
  })
}

