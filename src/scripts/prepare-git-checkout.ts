/**
 * Preparing a git dependency's checkout before it is packed, as pacote does: an install in the
 * checkout (its dependencies, dev ones included, then its own preinstall ... prepare scripts as
 * the root project's), by skiff itself in a child process with the same cache and registry.
 *
 * Those scripts are the dependency's code, so they run only when the project's allowScripts
 * policy allows the package (by its repository, as the lockfile records it) or all scripts are
 * allowed; otherwise, and with --ignore-scripts, the install stops with EALLOWSCRIPTS: a git
 * dependency packed unprepared would be installed broken. A repository already being prepared
 * further up the chain of child installs is not prepared again (pacote's cycle guard), which
 * the environment variable SKIFF_GIT_PREPARING carries down.
 */
import { SkiffError } from '../error/index.ts'
import { readPackageJson } from '../lockfile/index.ts'
import { scriptVerdict, type Policy } from './allow-scripts.ts'

export interface PrepareGitOptions {
  policy: Policy | null
  ignoreScripts: boolean
  dangerouslyAllowAllScripts: boolean
  projectDir: string
  /** how to start skiff */
  skiff: string[]
  env: Readonly<Record<string, string | undefined>>
  cache: string
  registry: string
  signal: AbortSignal
}

const PREPARING = 'SKIFF_GIT_PREPARING'

export async function prepareGitCheckout(dir: string, pkg: string, resolved: string, options: PrepareGitOptions): Promise<void> {
  const preparing = (options.env[PREPARING] ?? '').split('\n').filter((line) => line !== '')
  if (preparing.includes(resolved)) return
  const manifest = (await readPackageJson(dir)).data
  const name = typeof manifest.name === 'string' ? manifest.name : pkg
  const version = typeof manifest.version === 'string' ? manifest.version : undefined
  const allowed = !options.ignoreScripts &&
    (options.dangerouslyAllowAllScripts || scriptVerdict({ name, resolved, ...(version === undefined ? {} : { version }) }, options.policy, options.projectDir) === true)
  if (!allowed) {
    const repository = resolved.slice(0, resolved.lastIndexOf('#'))
    throw new SkiffError('EALLOWSCRIPTS', `${pkg}: this git dependency must be prepared (its dependencies installed and its prepare scripts run) before it is packed, and ${options.ignoreScripts ? '--ignore-scripts is set' : 'allowScripts does not allow it'}`, {
      pkg,
      hint: options.ignoreScripts
        ? 'install without --ignore-scripts, or depend on a published version of this package'
        : `allow it in package.json: "allowScripts": { "${repository}": true }`,
    })
  }
  const child = Bun.spawn([...options.skiff, 'install', '--cache', options.cache, '--registry', options.registry, '--include=dev', '--include=optional', '--include=peer', '--no-save'], {
    cwd: dir,
    env: { ...options.env, [PREPARING]: [...preparing, resolved].join('\n') },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    signal: options.signal,
  })
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  if (code === 0) return
  const lines = `${stdout}\n${stderr}`.split('\n').map((line) => line.trimEnd()).filter((line) => line !== '')
  throw new SkiffError('ELIFECYCLE', `${pkg}: preparing the git dependency failed (the install in its checkout exited with ${code})`, {
    pkg,
    lines: lines.slice(-20),
  })
}
