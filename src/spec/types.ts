/**
 * A dependency spec after classification, with npm-package-arg's meaning: what kind of source
 * the spec names and the normalised values the rest of skiff needs (fetch spec, clone URL,
 * file path, what npm saves into package.json).
 */

/** What every spec records of how it was written. */
export interface SpecBase {
  /** the dependency name, when one was given */
  name: string | undefined
  /** what the spec was written as: `name@rawSpec`, or the command-line argument */
  raw: string
  /** the spec part as written (untrimmed) */
  rawSpec: string
}

/** A spec the registry answers: an exact version, a semver range, or a dist-tag. */
export interface RegistrySpec extends SpecBase {
  type: 'version' | 'range' | 'tag'
  name: string
  /** the trimmed spec the version choice uses: `^1.2.0`, `1.2.3`, `next`, `''` */
  fetchSpec: string
}

/**
 * `npm:real-name@range`: installed in the folder `name` (absent when an argument like
 * `npm:foo@1` gives none), fetched as `subSpec`.
 */
export interface AliasSpec extends SpecBase {
  type: 'alias'
  subSpec: RegistrySpec
}

export type GitHostName = 'github' | 'gitlab' | 'bitbucket' | 'gist' | 'sourcehut'

/** A repository on a host hosted-git-info knows. */
export interface HostedGit {
  host: GitHostName
  /** absent for gists named by id only */
  user?: string
  project: string
  committish?: string
  /** `user[:password]` given in an http(s) or git URL; a credential, never print it */
  auth?: string
}

export interface GitSpec extends SpecBase {
  type: 'git'
  hosted: HostedGit | undefined
  /** the repository as npm records it in `resolved` before `#<sha>`: `git+ssh://git@github.com/u/p.git` */
  url: string
  /** the URL to clone (https first for hosted repositories), without `git+` and committish */
  cloneUrl: string
  committish: string | undefined
  /** `#semver:<range>`: the highest tag satisfying it */
  semverRange: string | undefined
  /** `#path:<dir>`: the package lives in this folder of the repository (leading `/`) */
  subdir: string | undefined
  /** what npm writes into package.json for this spec */
  saveSpec: string
}

/** An http(s) URL of a tarball. */
export interface RemoteSpec extends SpecBase {
  type: 'remote'
  url: string
}

/** A tarball on disk (`file` ending in .tgz/.tar.gz/.tar) or a folder (`directory`, linked). */
export interface LocalSpec extends SpecBase {
  type: 'file' | 'directory'
  /** absolute path, resolved against the folder the spec was read in */
  path: string
  /** `file:<path relative to that folder>` as npm saves it (absolute when written absolute) */
  saveSpec: string
}

export type Spec = RegistrySpec | AliasSpec | GitSpec | RemoteSpec | LocalSpec
