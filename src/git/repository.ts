/**
 * The two things a git dependency needs from its repository: the refs (`git ls-remote`) and the
 * files of one commit. A commit is fetched alone (`--depth 1`), which servers allow for any
 * commit at a ref's tip and most allow for any reachable one; when that is refused, or the
 * committish is a short sha, the whole history is fetched and the committish looked up in it,
 * as pacote falls back to a full clone. Submodules are checked out too, as pacote does.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import { stripUrlCredentials } from '../config/index.ts'
import { SkiffError, isSkiffError } from '../error/index.ts'
import { parseLsRemote, type GitRefs } from './git-refs.ts'
import { runGit, type GitEnv } from './run-git.ts'

const FULL_SHA = /^[0-9a-f]{40,64}$/i

export async function listRefs(cloneUrl: string, pkg: string, options: GitEnv): Promise<GitRefs> {
  const shown = stripUrlCredentials(cloneUrl)
  const output = await runGit(['ls-remote', cloneUrl], options, {
    doing: `git ls-remote ${shown}`,
    pkg,
    hint: `check that the repository exists and that this machine can read it: git ls-remote ${shown}`,
  })
  return parseLsRemote(output)
}

/** Checks out `committish` of the repository into `dir` (which must not exist); returns the commit's sha. */
export async function checkoutCommit(cloneUrl: string, committish: string, dir: string, pkg: string, options: GitEnv): Promise<string> {
  const git = (args: string[], doing: string) => runGit(args, { ...options, cwd: dir }, { doing, pkg })
  await fs.mkdir(dir, { recursive: true })
  await git(['init', '-q'], 'git init')
  const shown = stripUrlCredentials(cloneUrl)
  let fetched = false
  if (FULL_SHA.test(committish)) {
    fetched = await git(['fetch', '-q', '--depth=1', cloneUrl, committish], `git fetch ${shown} ${committish}`).then(
      () => true,
      (error: unknown) => {
        if (isSkiffError(error) && error.code === 'EGIT') return false
        throw error
      },
    )
  }
  if (!fetched) await git(['fetch', '-q', '--tags', '--update-head-ok', cloneUrl, '+refs/heads/*:refs/heads/*'], `git fetch ${shown}`)
  const target = fetched ? 'FETCH_HEAD' : committish
  let sha: string
  try {
    sha = (await git(['rev-parse', '--verify', '-q', `${target}^{commit}`], `git rev-parse ${target}`)).trim()
  } catch (error) {
    if (!isSkiffError(error) || error.code !== 'EGIT') throw error
    throw unknownCommittish(pkg, committish, cloneUrl)
  }
  await git(['checkout', '-q', sha], `git checkout ${sha}`)
  if (await exists(path.join(dir, '.gitmodules'))) {
    await git(['submodule', 'update', '-q', '--init', '--recursive'], 'git submodule update')
  }
  return sha
}

export function unknownCommittish(pkg: string, committish: string, cloneUrl: string): SkiffError {
  return new SkiffError('EGIT', `${pkg}: no branch, tag or commit "${committish}" in ${stripUrlCredentials(cloneUrl)}`, {
    pkg,
    hint: 'check the part after "#" in the dependency: it names a branch, a tag, a commit or semver:<range>',
  })
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false)
}
