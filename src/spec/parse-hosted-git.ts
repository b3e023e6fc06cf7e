/**
 * Recognise a repository on a known git host, with hosted-git-info 9's rules: GitHub
 * shorthand (`user/project`), host shortcuts (`github:`, `gitlab:`, `bitbucket:`, `gist:`,
 * `sourcehut:`), scp-like `git@host:user/project`, and URLs on the hosts' domains with a
 * protocol the host serves. The result also says which form the spec was written in, because
 * npm saves it back in that form.
 */
import type { GitHostName, HostedGit } from './types.ts'

/** The form a hosted spec was written in; it decides the saved spec and fetch spec. */
export type HostedForm = 'shortcut' | 'sshurl' | 'https' | 'git'

export interface ParsedHostedGit extends HostedGit {
  form: HostedForm
}

interface HostPath {
  user: string | undefined
  project: string
  committish: string
}

interface HostInfo {
  domain: string
  protocols: readonly string[]
  /** user, project and committish from a URL on the host's domain; undefined when it names no repository */
  extract(url: URL): HostPath | undefined
}

const HOSTS: Record<GitHostName, HostInfo> = {
  github: {
    domain: 'github.com',
    protocols: ['git:', 'http:', 'git+ssh:', 'git+https:', 'ssh:', 'https:'],
    extract(url) {
      const [, user, project, kind, treeRef] = url.pathname.split('/', 5)
      if (kind !== undefined && kind !== '' && kind !== 'tree') return undefined
      const committish = kind === 'tree' ? treeRef ?? '' : url.hash.slice(1)
      return userAndProject(user, project, committish)
    },
  },
  bitbucket: {
    domain: 'bitbucket.org',
    protocols: ['git+ssh:', 'git+https:', 'ssh:', 'https:'],
    extract(url) {
      const [, user, project, aux] = url.pathname.split('/', 4)
      if (aux === 'get') return undefined
      return userAndProject(user, project, url.hash.slice(1))
    },
  },
  gitlab: {
    domain: 'gitlab.com',
    protocols: ['git+ssh:', 'git+https:', 'ssh:', 'https:'],
    extract(url) {
      const path = url.pathname.slice(1)
      if (path.includes('/-/') || path.includes('/archive.tar.gz')) return undefined
      const segments = path.split('/')
      const project = segments.pop()
      return userAndProject(segments.join('/'), project, url.hash.slice(1))
    },
  },
  gist: {
    domain: 'gist.github.com',
    protocols: ['git:', 'git+ssh:', 'git+https:', 'ssh:', 'https:'],
    extract(url) {
      const [, first, second, aux] = url.pathname.split('/', 4)
      if (aux === 'raw') return undefined
      if (second === undefined || second === '') {
        if (first === undefined || first === '') return undefined
        return { user: undefined, project: stripDotGit(first), committish: url.hash.slice(1) }
      }
      return { user: first, project: stripDotGit(second), committish: url.hash.slice(1) }
    },
  },
  sourcehut: {
    domain: 'git.sr.ht',
    protocols: ['git+ssh:', 'https:'],
    extract(url) {
      const [, user, project, aux] = url.pathname.split('/', 4)
      if (aux === 'archive') return undefined
      return userAndProject(user, project, url.hash.slice(1))
    },
  },
}

const HOST_NAMES = Object.keys(HOSTS) as GitHostName[]

/** Protocols hosted-git-info knows, the form each implies, and whether it carries credentials. */
const PROTOCOLS: ReadonlyMap<string, { form?: HostedForm; auth?: boolean }> = new Map([
  ['git+ssh:', { form: 'sshurl' }],
  ['ssh:', { form: 'sshurl' }],
  ['git+https:', { form: 'https', auth: true }],
  ['git:', { form: 'git', auth: true }],
  ['http:', { auth: true }],
  ['https:', { form: 'https', auth: true }],
  ['git+http:', { auth: true }],
  ...HOST_NAMES.map((host): [string, object] => [`${host}:`, {}]),
])

export function parseHostedGit(spec: string): ParsedHostedGit | undefined {
  if (spec === '') return undefined
  const url = parseGitUrl(isGitHubShorthand(spec) ? `github:${spec}` : spec)
  if (url === undefined) return undefined
  try {
    return fromShortcut(url) ?? fromDomain(url)
  } catch (error) {
    if (error instanceof URIError) return undefined
    throw error
  }
}

function fromShortcut(url: URL): ParsedHostedGit | undefined {
  const host = HOST_NAMES.find((name) => `${name}:` === url.protocol)
  if (host === undefined) return undefined
  let pathname = url.pathname.startsWith('/') ? url.pathname.slice(1) : url.pathname
  // credentials in a shortcut are ignored, not kept
  pathname = pathname.slice(pathname.indexOf('@') + 1)
  const lastSlash = pathname.lastIndexOf('/')
  const user = lastSlash === -1 ? '' : decodeURIComponent(pathname.slice(0, lastSlash))
  const project = stripDotGit(decodeURIComponent(pathname.slice(lastSlash + 1)))
  const committish = url.hash === '' ? '' : decodeURIComponent(url.hash.slice(1))
  return hosted(host, user, project, committish, undefined, 'shortcut')
}

function fromDomain(url: URL): ParsedHostedGit | undefined {
  const hostname = url.hostname.startsWith('www.') ? url.hostname.slice(4) : url.hostname
  const host = HOST_NAMES.find((name) => HOSTS[name].domain === hostname)
  if (host === undefined || !HOSTS[host].protocols.includes(url.protocol)) return undefined
  const path = HOSTS[host].extract(url)
  if (path === undefined) return undefined
  const protocol = PROTOCOLS.get(url.protocol)
  const hasAuth = protocol?.auth === true && (url.username !== '' || url.password !== '')
  const auth = hasAuth ? url.username + (url.password === '' ? '' : `:${url.password}`) : undefined
  const user = path.user === undefined ? '' : decodeURIComponent(path.user)
  return hosted(host, user, decodeURIComponent(path.project), decodeURIComponent(path.committish), auth, protocol?.form ?? 'sshurl')
}

function hosted(
  host: GitHostName,
  user: string,
  project: string,
  committish: string,
  auth: string | undefined,
  form: HostedForm,
): ParsedHostedGit {
  return {
    host,
    user: user === '' ? undefined : user,
    project,
    committish: committish === '' ? undefined : committish,
    auth,
    form,
  }
}

function userAndProject(user: string | undefined, project: string | undefined, committish: string): HostPath | undefined {
  if (user === undefined || user === '' || project === undefined) return undefined
  const bareProject = stripDotGit(project)
  if (bareProject === '') return undefined
  return { user, project: bareProject, committish }
}

function stripDotGit(project: string): string {
  return project.endsWith('.git') ? project.slice(0, -4) : project
}

/**
 * `user/project[#committish]`: one slash, not first or last, and no whitespace, `@` or `:`
 * before the `#` (those mean a file path, a scoped name, or a protocol).
 */
function isGitHubShorthand(spec: string): boolean {
  const hash = spec.indexOf('#')
  const head = hash === -1 ? spec : spec.slice(0, hash)
  const firstSlash = spec.indexOf('/')
  const endsWithSlash = hash === -1 ? spec.endsWith('/') : spec[hash - 1] === '/'
  return (
    firstSlash > 0 &&
    head.indexOf('/', firstSlash + 1) === -1 &&
    !/\s/.test(head) &&
    !head.includes('@') &&
    !head.includes(':') &&
    !endsWithSlash &&
    !spec.startsWith('.')
  )
}

function parseGitUrl(spec: string): URL | undefined {
  const withProtocol = addMissingProtocol(spec)
  return tryUrl(withProtocol) ?? tryUrl(scpToUrl(withProtocol))
}

/** `host:path` → `host://path`; `user@host:path` → `git+ssh://user@host:path`. */
function addMissingProtocol(spec: string): string {
  const colon = spec.indexOf(':')
  if (PROTOCOLS.has(spec.slice(0, colon + 1))) return spec
  if (colon > -1 && spec.startsWith('://', colon)) return spec
  const at = spec.indexOf('@')
  if (at > -1) return at > colon ? `git+ssh://${spec}` : spec
  return `${spec.slice(0, colon + 1)}//${spec.slice(colon + 1)}`
}

/** Make an scp-like address (`git@host:user/repo`) parseable as a URL: the last `:` becomes `/`. */
function scpToUrl(spec: string): string {
  const at = lastIndexBeforeHash(spec, '@')
  const colon = lastIndexBeforeHash(spec, ':')
  let url = colon > at ? `${spec.slice(0, colon)}/${spec.slice(colon + 1)}` : spec
  if (lastIndexBeforeHash(url, ':') === -1 && !url.includes('//')) url = `git+ssh://${url}`
  return url
}

function lastIndexBeforeHash(text: string, char: string): number {
  const hash = text.indexOf('#')
  return text.lastIndexOf(char, hash === -1 ? Infinity : hash)
}

function tryUrl(text: string): URL | undefined {
  return URL.canParse(text) ? new URL(text) : undefined
}
