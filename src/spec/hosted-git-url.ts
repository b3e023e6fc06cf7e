/**
 * The URLs hosted-git-info writes for a hosted repository, in each form npm uses: the saved
 * spec keeps the form it was written in, `resolved` prefers `git+ssh:` (or `git+https:` when
 * the spec carried credentials), and the clone tries https first.
 */
import type { HostedForm } from './parse-hosted-git.ts'
import type { HostedGit } from './types.ts'

const DOMAINS = {
  github: 'github.com',
  gitlab: 'gitlab.com',
  bitbucket: 'bitbucket.org',
  gist: 'gist.github.com',
  sourcehut: 'git.sr.ht',
} as const

export interface HostedUrlOptions {
  /** keep the `git+` prefix of `git+ssh:` and `git+https:` URLs */
  gitPlus: boolean
  /** append `#committish` when there is one */
  committish: boolean
}

export function hostedGitUrl(hosted: HostedGit, form: HostedForm, options: HostedUrlOptions): string {
  const url = formUrl(hosted, form) + (options.committish && hosted.committish !== undefined ? `#${hosted.committish}` : '')
  return !options.gitPlus && url.startsWith('git+') ? url.slice(4) : url
}

function formUrl(hosted: HostedGit, form: HostedForm): string {
  const domain = DOMAINS[hosted.host]
  const repo = hosted.host === 'gist' ? hosted.project : `${hosted.user}/${hosted.project}`
  const auth = hosted.auth === undefined ? '' : `${hosted.auth}@`
  switch (form) {
    case 'shortcut':
      return `${hosted.host}:${repo}`
    case 'sshurl':
      return `git+ssh://git@${domain}/${repo}.git`
    case 'https':
      if (hosted.host === 'sourcehut') return `https://${domain}/${repo}`
      return `git+https://${hosted.host === 'gist' ? '' : auth}${domain}/${repo}.git`
    case 'git':
      return `git://${hosted.host === 'gist' ? '' : auth}${domain}/${repo}.git`
  }
}
