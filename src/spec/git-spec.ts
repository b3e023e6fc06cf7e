/**
 * Git specs, as npm-package-arg and pacote normalise them. Hosted repositories keep the form
 * they were written in for package.json, and are recorded in `resolved` as
 * `git+ssh://git@<host>/<user>/<project>.git` (`git+https://` with the credentials when the
 * spec carried some). Other git URLs are recorded as written, minus the `#` fragment.
 */
import { SkiffError } from '../error/index.ts'
import { parseGitAttributes } from './git-attributes.ts'
import { hostedGitUrl } from './hosted-git-url.ts'
import type { ParsedHostedGit } from './parse-hosted-git.ts'
import type { GitSpec, SpecBase } from './types.ts'

const GIT_PROTOCOLS = ['git:', 'git+http:', 'git+https:', 'git+rsync:', 'git+ftp:', 'git+file:', 'git+ssh:']

/** `git+ssh://user@host:path[#fragment]`, scp-like and so not a real URL; `:digits` is a port instead. */
const SCP_LIKE = /^git\+ssh:\/\/([^:#]+:[^#]+(?:\.git)?)(?:#(.*))?$/i
const PORT = /:[0-9]+(\/|$)/

export function hostedGitSpec(base: SpecBase, parsed: ParsedHostedGit): GitSpec {
  const { form, ...hosted } = parsed
  if (hosted.user === undefined && hosted.host !== 'gist') {
    throw new SkiffError('EBADSPEC', `git spec "${base.raw}" names no user on ${hosted.host}`, {
      hint: `write it as ${hosted.host}:<user>/<project>`,
    })
  }
  const noCommittish = { gitPlus: true, committish: false }
  const url = hosted.auth === undefined
    ? hostedGitUrl(hosted, 'sshurl', noCommittish)
    : withGitPlus(hostedGitUrl(hosted, 'https', noCommittish))
  return {
    type: 'git',
    ...base,
    hosted,
    url,
    cloneUrl: hostedGitUrl(hosted, 'https', { gitPlus: false, committish: false }),
    ...parseGitAttributes(hosted.committish, base.raw),
    saveSpec: hostedGitUrl(hosted, form, { gitPlus: true, committish: true }),
  }
}

/** A git spec from a URL with a git protocol; undefined when the protocol is not a git one. */
export function gitUrlSpec(base: SpecBase, url: URL | undefined): GitSpec | undefined {
  const scp = base.rawSpec.startsWith('git+ssh:') ? SCP_LIKE.exec(base.rawSpec) : null
  if (scp?.[1] !== undefined && !PORT.test(scp[1])) {
    return gitSpec(base, scp[1], scp[2])
  }
  if (url === undefined || !GIT_PROTOCOLS.includes(url.protocol)) return undefined
  const withoutFragment = new URL(url)
  withoutFragment.hash = ''
  const cloneUrl = withoutFragment.href.replace(/^git\+/, '')
  return gitSpec(base, cloneUrl, url.hash.slice(1))
}

function gitSpec(base: SpecBase, cloneUrl: string, fragment: string | undefined): GitSpec {
  const hash = base.rawSpec.indexOf('#')
  return {
    type: 'git',
    ...base,
    hosted: undefined,
    url: hash === -1 ? base.rawSpec : base.rawSpec.slice(0, hash),
    cloneUrl,
    ...parseGitAttributes(fragment, base.raw),
    saveSpec: base.rawSpec,
  }
}

function withGitPlus(url: string): string {
  return url.startsWith('git+') ? url : `git+${url}`
}

/**
 * What npm locks as `resolved` for a git spec at a commit: `url` + `#<sha>` (pacote's addGitSha
 * then repoUrl: hosted repositories as git+ssh, or git+https when the spec carried credentials;
 * other URLs as written, `#...` replaced).
 */
export function gitResolved(spec: GitSpec, sha: string): string {
  return `${spec.url}#${sha}`
}
