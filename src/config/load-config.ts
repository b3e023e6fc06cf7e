/**
 * The I/O shell of config: finds the project root and the .npmrc files, reads them, and
 * hands their text to the pure layer and build functions.
 *
 * Order of discovery follows @npmcli/config (flags and env first, because they can move the
 * other files): project `.npmrc` in the project root; user `userconfig` (flags, env or
 * project may set it; default `~/.npmrc`); global `globalconfig` (flags, env, project or
 * user may set it), else `<prefix>/etc/npmrc`.
 *
 * npm takes its global prefix from the running node binary. skiff has none, so the global
 * npmrc is found under: `prefix` from flags, env or user config; else $PREFIX (as npm); else
 * the prefix of a `node` found on $PATH (`/usr/bin/node` -> `/usr`), so that skiff reads the
 * same global npmrc as the npm installed beside it; else `/usr/local`.
 *
 * Global installs (`-g`) go under `globalPrefix`: `prefix` from flags, env, user or global
 * config; else $PREFIX; else the folder skiff's own executable sits in, when that is
 * `<prefix>/bin` outside any node_modules (its install script puts it in ~/.skiff/bin, already
 * on PATH, so global bins land beside it); else as for the npmrc. In global mode the project
 * root is `<globalPrefix>/lib` and a project .npmrc is not read, as npm does.
 */
import fs from 'node:fs'
import path from 'node:path'
import { SkiffError, errnoCode } from '../error/index.ts'
import { buildConfig } from './build-config.ts'
import type { Config } from './config.ts'
import { type Layer, type LayerContext, layerFromEnv, layerFromFlags, layerFromNpmrc } from './layers.ts'
import { findProjectDir } from './find-project-dir.ts'

export interface LoadConfigOptions {
  cwd: string
  env: Record<string, string | undefined>
  home: string
  flags: Record<string, string | boolean | string[] | undefined>
  /** skiff's version, for the default user agent */
  version?: string
  /** skiff's own executable, when it runs compiled (not from source) */
  executable?: string
}

export async function loadConfig(options: LoadConfigOptions): Promise<Config> {
  const { cwd, env, home, flags } = options
  const context: LayerContext = { env, home, baseDir: cwd }
  const flagLayer = layerFromFlags(flags, context)
  const envLayer = layerFromEnv(context)
  const pick = (key: string, layers: readonly Layer[]): string | undefined => {
    for (const layer of [...layers].reverse()) {
      const value = layer.settings.findLast((setting) => setting.key === key)?.value
      if (typeof value === 'string' && value !== '') return value
    }
    return undefined
  }

  const global = flagLayer.settings.findLast((setting) => setting.key === 'global')?.value === true
  const flagPrefix = pick('prefix', [flagLayer])
  const localDir = global ? undefined : flagPrefix ?? (await findProjectDir(cwd))
  const files: string[] = []
  const read = async (file: string, origin: 'global' | 'user' | 'project'): Promise<Layer | undefined> => {
    const text = await readOptional(file)
    if (text === undefined) return undefined
    files.push(file)
    return layerFromNpmrc(text, file, origin, { env, home, baseDir: path.dirname(file) })
  }

  const earlyLayers = [envLayer, flagLayer]
  const userFileFromEarly = pick('userconfig', earlyLayers) ?? path.join(home, '.npmrc')
  const projectFile = localDir === undefined ? undefined : path.join(localDir, '.npmrc')
  const projectLayer = projectFile === undefined || projectFile === userFileFromEarly ? undefined : await read(projectFile, 'project')
  const beforeUser = [...(projectLayer ? [projectLayer] : []), ...earlyLayers]
  const userFile = pick('userconfig', beforeUser) ?? path.join(home, '.npmrc')
  const userLayer = await read(userFile, 'user')
  const beforeGlobal = [...(userLayer ? [userLayer] : []), ...beforeUser]
  const globalFile = pick('globalconfig', beforeGlobal)
    ?? path.join(pick('prefix', [...(userLayer ? [userLayer] : []), ...earlyLayers]) ?? nodePrefix(env), 'etc', 'npmrc')
  const globalLayer = await read(globalFile, 'global')

  const layers = [globalLayer, userLayer, projectLayer, envLayer, flagLayer].filter(
    (layer): layer is Layer => layer !== undefined,
  )
  const installPrefix = pick('prefix', layers) ?? defaultGlobalPrefix(env, options.executable)
  const projectDir = localDir ?? path.join(installPrefix, 'lib')
  files.reverse()
  const cafile = pick('cafile', layers)
  const cafileText = cafile === undefined ? undefined : await readOptional(cafile)
  if (cafile !== undefined && cafileText === undefined) {
    envLayer.warnings.push(`cafile ${cafile} does not exist and is ignored, as npm does`)
  }
  return buildConfig(layers, {
    env,
    home,
    cwd,
    projectDir,
    global,
    globalPrefix: installPrefix,
    files,
    npmrcPaths: { global: globalFile, user: userFile, ...(projectFile === undefined ? {} : { project: projectFile }) },
    ...(cafileText === undefined ? {} : { cafileText }),
    ...(options.version === undefined ? {} : { version: options.version }),
  })
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await fs.promises.readFile(file, 'utf8')
  } catch (error) {
    const code = errnoCode(error)
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    throw new SkiffError('ECONFIG', `cannot read ${file}: ${code ?? String(error)}`, { file, cause: error })
  }
}

/** Where global installs go when no `prefix` is set: $PREFIX, beside skiff's own executable, beside node, /usr/local. */
function defaultGlobalPrefix(env: Record<string, string | undefined>, executable: string | undefined): string {
  if (env.PREFIX) return env.PREFIX
  if (executable !== undefined) {
    const binDir = path.dirname(executable)
    if (path.basename(binDir) === 'bin' && !executable.split(path.sep).includes('node_modules')) return path.dirname(binDir)
  }
  return nodePrefix(env)
}

function nodePrefix(env: Record<string, string | undefined>): string {
  if (env.PREFIX) return env.PREFIX
  for (const dir of (env.PATH ?? '').split(':')) {
    if (dir === '') continue
    const candidate = path.join(dir, 'node')
    // looked for before it is resolved: a failed realpath throws, and PATH has a dozen folders
    if (!fs.existsSync(candidate)) continue
    try {
      return path.dirname(path.dirname(fs.realpathSync(candidate)))
    } catch {
      // not in this folder
    }
  }
  return '/usr/local'
}
