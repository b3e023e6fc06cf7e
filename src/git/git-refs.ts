/**
 * What `git ls-remote` says about a repository, read as @npmcli/git reads it, and the commit a
 * git spec asks for, chosen as pacote chooses it:
 *   - no committish: the commit HEAD names;
 *   - a committish: the branch, tag or full ref of that name (annotated tags peeled to their
 *     commit);
 *   - `semver:<range>`: tags `vX.Y.Z` / `X.Y.Z` are versions; the version at a ref named
 *     `latest`, else at HEAD, wins when it satisfies the range (npm-pick-manifest prefers the
 *     `latest` dist-tag, which is that version for a repository), else the highest satisfying.
 * Undefined means the refs do not answer it: the caller then looks for the committish in a
 * clone (a short sha), as pacote does. A full sha needs no refs at all.
 */
import semver from 'semver'

export interface GitRefs {
  /** ref (`HEAD`, `main`, `v1.0.0`, `refs/heads/main`, ...) → commit sha */
  refs: Map<string, string>
  /** version of a semver tag → commit sha */
  versions: Map<string, string>
}

const TAG_VERSION = /v?(\d+\.\d+\.\d+(?:[-+].+)?)$/

export function parseLsRemote(output: string): GitRefs {
  const refs = new Map<string, string>()
  const peeled = new Map<string, string>()
  for (const line of output.split('\n')) {
    const [sha, rawRef] = line.trim().split(/\s+/, 2)
    if (sha === undefined || rawRef === undefined) continue
    if (rawRef.endsWith('^{}')) {
      peeled.set(rawRef.slice(0, -3), sha)
      continue
    }
    refs.set(rawRef, sha)
    const short = shortRef(rawRef)
    if (short !== rawRef) refs.set(short, sha)
  }
  for (const [rawRef, sha] of peeled) {
    if (!refs.has(rawRef)) continue
    refs.set(rawRef, sha)
    refs.set(shortRef(rawRef), sha)
  }
  const versions = new Map<string, string>()
  for (const [rawRef, sha] of refs) {
    if (!rawRef.startsWith('refs/tags/')) continue
    const version = TAG_VERSION.exec(rawRef.slice('refs/tags/'.length))?.[1]
    const clean = version === undefined ? null : semver.clean(version, { loose: true })
    if (clean !== null) versions.set(clean, sha)
  }
  return { refs, versions }
}

export function pickCommit(refs: GitRefs, wanted: { committish: string | undefined; semverRange: string | undefined }): string | undefined {
  if (wanted.semverRange !== undefined) return pickTagVersion(refs, wanted.semverRange)
  if (wanted.committish === undefined || wanted.committish === '') return refs.refs.get('HEAD')
  return refs.refs.get(wanted.committish)
}

function pickTagVersion(refs: GitRefs, range: string): string | undefined {
  // the `latest` dist-tag of a repository: the version at a ref named `latest`, else at HEAD
  const latestSha = refs.refs.get('latest') ?? refs.refs.get('HEAD')
  const latest = [...refs.versions].findLast(([, sha]) => sha === latestSha)?.[0]
  if (latest !== undefined && semver.satisfies(latest, range, { loose: true })) return refs.versions.get(latest)
  const best = semver.maxSatisfying([...refs.versions.keys()], range, { loose: true })
  return best === null ? undefined : refs.versions.get(best)
}

function shortRef(rawRef: string): string {
  if (rawRef.startsWith('refs/tags/')) return rawRef.slice('refs/tags/'.length)
  if (rawRef.startsWith('refs/heads/')) return rawRef.slice('refs/heads/'.length)
  if (rawRef.startsWith('refs/pull/')) return rawRef.slice('refs/'.length).replace(/\/head$/, '')
  return rawRef
}
