/**
 * Git dependencies, as pacote's GitFetcher gets them:
 *
 *  1. The commit: a full sha in the spec is taken as is; otherwise `git ls-remote` of the
 *     repository and the committish (none: HEAD; a branch or tag; `semver:<range>`: the tag
 *     git/git-refs.ts picks). A committish the refs do not name (a short sha) is looked for in a
 *     full fetch. `resolved` is the spec's repository URL with `#<sha>` (hosted repositories as
 *     git+ssh, the form npm locks), and the package has no integrity.
 *  2. The files: the commit is checked out in a staging folder of the store (hosted
 *     repositories over https first, then ssh), packed with npm-packlist's rules into a tar, and
 *     the tar added to the store under the key of `resolved`: the store's atomic add. A package whose
 *     package.json has scripts npm runs to prepare a checkout (prepare, build, install
 *     scripts, prepack) or workspaces is handed to `prepare` first, as npm installs and
 *     prepares it; without `prepare` that is EUNSUPPORTED.
 *  3. The manifest is the stored package's package.json.
 *
 * A package already in the store under that key is not fetched again, so `ci` with a warm
 * store, and a spec naming a full sha with a warm store, never run git.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import { SkiffError } from '../error/index.ts'
import { checkoutCommit, listRefs, packlist, pickCommit, type GitEnv, type GitRefs } from '../git/index.ts'
import { readPackageJson } from '../lockfile/index.ts'
import { gitResolved, parseSpec, type GitSpec } from '../spec/index.ts'
import type { Store } from '../store/index.ts'
import { createTar, type TarEntry } from '../tarball/index.ts'

export interface GitPackage {
  /** `<repository>#<sha>`, as the lockfile records it */
  resolved: string
  manifest: Record<string, unknown>
}

export interface GitPackages {
  /** resolution: the commit a git spec names and its package.json; its packed files are stored */
  resolve(spec: GitSpec): Promise<GitPackage>
  /** the packed files (a tar) of a lock entry's `resolved` git URL, for the install's fetch step */
  pack(resolved: string, pkg: string): Promise<Uint8Array>
}

export interface GitPackagesDeps extends GitEnv {
  store: Store
  /** installs the checkout's dependencies and runs its prepare scripts (an install in `dir`) */
  prepare?: (dir: string, pkg: string, resolved: string) => Promise<void>
}

const FULL_SHA = /^[0-9a-f]{40,64}$/i
/** What makes pacote install and prepare a checkout before packing it. */
const PREPARE_SCRIPTS = ['postinstall', 'build', 'preinstall', 'install', 'prepack', 'prepare']

export function isGitResolved(resolved: string): boolean {
  return /^git(?:\+[a-z]+)?:/i.test(resolved)
}

export function createGitPackages(deps: GitPackagesDeps): GitPackages {
  const { store } = deps
  const git: GitEnv = { env: deps.env, ...(deps.signal === undefined ? {} : { signal: deps.signal }) }

  async function resolve(spec: GitSpec): Promise<GitPackage> {
    const pkg = spec.raw
    if (spec.subdir !== undefined) {
      throw new SkiffError('EUNSUPPORTED', `${pkg}: git dependencies in a folder of their repository (#path:) are not supported`, { pkg })
    }
    const sha = await commitOf(spec, pkg)
    if (sha !== undefined) {
      const resolved = gitResolved(spec, sha)
      const known = store.get(store.keyFor({ resolved }))
      if (known) return { resolved, manifest: (await readPackageJson(known.dir)).data }
    }
    // without a sha (a committish the refs do not name), the checkout finds it
    return withCheckout(spec, sha ?? spec.committish ?? 'HEAD', pkg, async (dir, foundSha) => {
      const resolved = gitResolved(spec, foundSha)
      const key = store.keyFor({ resolved })
      const stored = store.get(key) ?? (await store.add(key, await packDir(dir, pkg, resolved), { pkg }))
      return { resolved, manifest: (await readPackageJson(stored.dir)).data }
    })
  }

  async function commitOf(spec: GitSpec, pkg: string): Promise<string | undefined> {
    if (spec.committish !== undefined && FULL_SHA.test(spec.committish)) return spec.committish.toLowerCase()
    const refs = await firstRemote(spec, (remote) => listRefs(remote, pkg, git))
    const sha = pickCommit(refs, spec)
    if (sha === undefined && spec.semverRange !== undefined) throw noTag(spec, refs)
    if (sha === undefined && spec.committish === undefined) {
      throw new SkiffError('EGIT', `${pkg}: the repository has no HEAD to install`, { pkg, hint: 'name a branch, tag or commit after "#"' })
    }
    return sha
  }

  async function pack(resolved: string, pkg: string): Promise<Uint8Array> {
    const spec = parseSpec(undefined, resolved, '/')
    if (spec.type !== 'git' || spec.committish === undefined) {
      throw new SkiffError('EGIT', `${pkg}: "${resolved}" is not a git URL with a commit`, { pkg, hint: 'lock entries of git dependencies end in #<sha>' })
    }
    return withCheckout(spec, spec.committish, pkg, (dir, sha) => packDir(dir, pkg, gitResolved(spec, sha)))
  }

  async function withCheckout<T>(spec: GitSpec, committish: string, pkg: string, use: (dir: string, sha: string) => Promise<T>): Promise<T> {
    // among the store's staging folders: a run killed mid-checkout leaves nothing for long
    const tmp = await store.makeTempDir(store.keyFor({ resolved: gitResolved(spec, committish) }))
    try {
      const { dir, sha } = await firstRemote(spec, async (remote, index) => {
        const dir = path.join(tmp, String(index))
        return { dir, sha: await checkoutCommit(remote, committish, dir, pkg, git) }
      })
      return await use(dir, sha)
    } finally {
      await fs.rm(tmp, { recursive: true, force: true })
    }
  }

  async function packDir(dir: string, pkg: string, resolved: string): Promise<Uint8Array> {
    const manifest = await readPackageJson(dir).catch((error: unknown) => {
      throw new SkiffError('EGIT', `${pkg}: the commit has no readable package.json`, { pkg, cause: error })
    })
    if (needsPrepare(manifest.data)) {
      if (deps.prepare === undefined) {
        throw new SkiffError('EUNSUPPORTED', `${pkg}: this git dependency has to be prepared (its scripts or workspaces), which this command cannot do`, { pkg })
      }
      await deps.prepare(dir, pkg, resolved)
    }
    // read again: preparing may change package.json
    const prepared = (await readPackageJson(dir)).data
    const entries: TarEntry[] = []
    for (const file of await packlist(dir, prepared)) {
      const full = path.join(dir, file)
      const stat = await fs.stat(full)
      entries.push({ path: `package/${file}`, content: new Uint8Array(await fs.readFile(full)), mode: stat.mode & 0o777 })
    }
    return createTar(entries)
  }

  return { resolve, pack }
}

function needsPrepare(manifest: Record<string, unknown>): boolean {
  if (manifest.workspaces !== undefined) return true
  const scripts = manifest.scripts
  if (typeof scripts !== 'object' || scripts === null) return false
  return PREPARE_SCRIPTS.some((name) => Boolean((scripts as Record<string, unknown>)[name]))
}

/**
 * Hosted repositories are tried over https, then ssh (unless the spec carried credentials for
 * https), as pacote does; the https failure is the one reported when both fail.
 */
async function firstRemote<T>(spec: GitSpec, use: (remote: string, index: number) => Promise<T>): Promise<T> {
  const remotes = [spec.cloneUrl]
  if (spec.hosted !== undefined && spec.hosted.auth === undefined) remotes.push(spec.url.replace(/^git\+/, ''))
  let firstError: unknown
  for (const [index, remote] of remotes.entries()) {
    try {
      return await use(remote, index)
    } catch (error) {
      if (error instanceof SkiffError && error.code === 'ENOGIT') throw error
      firstError ??= error
    }
  }
  throw firstError
}

function noTag(spec: GitSpec, refs: GitRefs): SkiffError {
  const versions = [...refs.versions.keys()]
  return new SkiffError('ETARGET', `${spec.raw}: no tag of the repository satisfies semver:${spec.semverRange ?? ''}`, {
    pkg: spec.raw,
    hint: versions.length > 0 ? `the tagged versions are: ${versions.join(', ')}` : 'the repository has no tags named like versions (v1.2.3 or 1.2.3)',
  })
}
