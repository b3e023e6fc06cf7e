/**
 * parseSpec(name, spec, where): a dependency spec as found in package.json, classified with
 * npm-package-arg's rules, in this order:
 *   1. `file:` or a path (`.`, `/`, `~/`, `X:`)      → file (tarball) or directory
 *   2. `npm:<name>@<spec>`                           → alias of a registry spec
 *   3. a repository on a known git host              → git, hosted
 *   4. `<protocol>:...`                              → git (git protocols), remote (http/https),
 *                                                      else EUNSUPPORTEDPROTOCOL (`link:`, `workspace:`...)
 *   5. contains `/` or ends in .tgz/.tar.gz/.tar     → file or directory
 *   6. anything else                                 → registry: version, range or dist-tag
 */
import os from 'node:os'
import path from 'node:path'
import { stripUrlCredentials } from '../config/index.ts'
import { SkiffError } from '../error/index.ts'
import { classifyRegistrySpec } from './classify-registry-spec.ts'
import { gitUrlSpec, hostedGitSpec } from './git-spec.ts'
import { localSpec, TARBALL_FILE, type LocalContext } from './local-spec.ts'
import { parseHostedGit } from './parse-hosted-git.ts'
import type { AliasSpec, RegistrySpec, Spec, SpecBase } from './types.ts'
import { validatePackageName } from './validate-package-name.ts'

const URL_LIKE = /^(?:git[+])?[a-z]+:/i
const FILE_LIKE = /^(?:[.]|~[/]|[/]|[a-zA-Z]:)/

/**
 * @param name the dependency name (the key in package.json), if any
 * @param rawSpec the spec (the value in package.json)
 * @param where the folder relative paths are resolved against (default: the current folder)
 * @param homeDir what `~/` means (default: the user's home folder)
 */
export function parseSpec(name: string | undefined, rawSpec: string, where?: string, homeDir?: string): Spec {
  const raw = name ? `${name}@${rawSpec}` : rawSpec
  // the commonest specs (`1.2.3`, `^1.2.3`, `~1.2`) of a name found valid before: none of the rules below can apply
  if (name && validNames.has(name)) {
    const type = PLAIN_VERSION.test(rawSpec) ? 'version' : PLAIN_RANGE.test(rawSpec) ? 'range' : undefined
    if (type !== undefined) return { type, name, raw, rawSpec, fetchSpec: rawSpec }
  }
  const spec = classifySpec({ name, raw, rawSpec }, contextFor(where, homeDir))
  if (name) validNames.add(name)
  return spec
}

/** names classifySpec accepted (it refuses an invalid one before anything else) */
const validNames = new Set<string>()
const PLAIN_VERSION = /^(?:0|[1-9]\d{0,9})\.(?:0|[1-9]\d{0,9})\.(?:0|[1-9]\d{0,9})$/
const PLAIN_RANGE = /^[\^~](?:0|[1-9]\d{0,9})(?:\.(?:0|[1-9]\d{0,9})){0,2}$/

export function contextFor(where: string | undefined, homeDir: string | undefined): LocalContext {
  return {
    where: path.resolve(where ?? process.cwd()),
    homeDir: () => homeDir ?? os.homedir(),
  }
}

/** A registry spec written without a name (`^1` alone): valid for npm, useless to install. */
type NamelessRegistrySpec = Omit<RegistrySpec, 'name'> & { name: undefined }

export function classifySpec(written: SpecBase, context: LocalContext): Spec {
  const spec = classify(written, context)
  if (spec.name !== undefined || !isRegistry(spec)) return spec
  throw new SkiffError('EINVALIDPACKAGENAME', `"${spec.raw}" names no package`, {
    hint: 'give a valid package name, as in name@version',
    lines: validatePackageName(spec.raw).errors,
  })
}

function classify(written: SpecBase, context: LocalContext): Spec | NamelessRegistrySpec {
  const base = { ...written, name: written.name || undefined }
  if (base.name !== undefined) assertValidName(base.name, base.raw)
  const { rawSpec } = base
  if (rawSpec.toLowerCase().startsWith('file:') || FILE_LIKE.test(rawSpec)) return localSpec(base, context)
  if (rawSpec.toLowerCase().startsWith('npm:')) return aliasSpec(base, context)
  const hosted = parseHostedGit(rawSpec)
  if (hosted !== undefined) return hostedGitSpec(base, hosted)
  if (URL_LIKE.test(rawSpec)) return urlSpec(base)
  if (rawSpec.includes('/') || TARBALL_FILE.test(rawSpec)) return localSpec(base, context)
  return registrySpec(base)
}

function isRegistry(spec: Spec | NamelessRegistrySpec): spec is RegistrySpec | NamelessRegistrySpec {
  return spec.type === 'version' || spec.type === 'range' || spec.type === 'tag'
}

function assertValidName(name: string, raw: string): void {
  const validation = validatePackageName(name)
  if (validation.validForOldPackages) return
  throw new SkiffError('EINVALIDPACKAGENAME', `invalid package name "${name}" in "${raw}": ${validation.errors.join('; ')}`, {
    pkg: name,
    lines: validation.errors,
  })
}

function registrySpec(base: SpecBase): RegistrySpec | NamelessRegistrySpec {
  const fetchSpec = base.rawSpec.trim()
  const type = classifyRegistrySpec(fetchSpec)
  if (type === undefined) {
    throw new SkiffError('EINVALIDTAGNAME', `invalid tag name "${fetchSpec}" in "${base.raw}"`, {
      hint: 'a dist-tag may only contain characters that need no escaping in a URL; a version or range must be valid semver',
      wanted: fetchSpec,
    })
  }
  return { type, name: base.name, raw: base.raw, rawSpec: base.rawSpec, fetchSpec }
}

function aliasSpec(base: SpecBase, context: LocalContext): AliasSpec {
  const target = base.rawSpec.slice(4)
  const subSpec = classify(splitNameAndSpec(target), context)
  if (subSpec.type === 'alias') throw badAlias(base, 'an alias cannot point at another alias')
  if (!isRegistry(subSpec)) throw badAlias(base, 'an alias must point at a registry package')
  if (subSpec.name === undefined) throw badAlias(base, 'an alias must name the package it points at')
  return { type: 'alias', name: base.name, raw: base.raw, rawSpec: base.rawSpec, subSpec }
}

function badAlias(base: SpecBase, fact: string): SkiffError {
  return new SkiffError('EBADSPEC', `"${base.raw}": ${fact}`, { hint: 'write it as npm:<name>@<version or range or tag>' })
}

function urlSpec(base: SpecBase): Spec {
  const url = URL.canParse(base.rawSpec) ? new URL(base.rawSpec) : undefined
  const git = gitUrlSpec(base, url)
  if (git !== undefined) return git
  if (url === undefined) {
    throw new SkiffError('EBADSPEC', `"${stripUrlCredentials(base.raw)}" is not a valid URL`, { hint: 'check the spelling of the URL' })
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    return { type: 'remote', name: base.name, raw: base.raw, rawSpec: base.rawSpec, url: base.rawSpec }
  }
  throw new SkiffError('EUNSUPPORTEDPROTOCOL', `unsupported spec type "${url.protocol}" in "${stripUrlCredentials(base.raw)}"`, {
    hint: 'npm supports registry versions and tags, npm:, git, http(s) tarball URLs and file: paths',
  })
}

/**
 * How npm splits `name@spec` when no name is given separately (a command-line argument, or the
 * part after `npm:`): a URL, an scp-like git address, or a path is all spec; otherwise the
 * name ends at the first `@` after the first character; a lone valid name means `name@*`.
 */
export function splitNameAndSpec(arg: string): SpecBase {
  const at = arg.indexOf('@', 1)
  const namePart = at > 0 ? arg.slice(0, at) : arg
  if (URL_LIKE.test(arg)) return { name: undefined, raw: arg, rawSpec: arg }
  if (SCP_GIT.test(arg)) return { name: undefined, raw: arg, rawSpec: `git+ssh://${arg}` }
  if (!namePart.startsWith('@') && (namePart.includes('/') || TARBALL_FILE.test(namePart))) {
    return { name: undefined, raw: arg, rawSpec: arg }
  }
  if (at > 0) return { name: namePart, raw: arg, rawSpec: arg.slice(at + 1) || '*' }
  if (validatePackageName(arg).validForOldPackages) return { name: arg, raw: arg, rawSpec: '*' }
  return { name: undefined, raw: arg, rawSpec: arg }
}

const SCP_GIT = /^[^@]+@[^:.]+\.[^:]+:.+$/i
