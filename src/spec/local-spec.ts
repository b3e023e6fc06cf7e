/**
 * `file:` specs and bare paths, resolved as npm-package-arg does on POSIX: the spec is read as
 * a file: URL relative to the folder it was written in (characters that are not URL-safe are
 * escaped first, so `#`, `?`, `%` and spaces are path characters), `~/` means the home folder,
 * and the saved spec is `file:` plus the path relative to that folder (absolute stays absolute,
 * `~/` stays `~/`). A path ending in .tgz, .tar.gz or .tar is a tarball; anything else a folder.
 */
import path from 'node:path'
import { SkiffError } from '../error/index.ts'
import type { LocalSpec, SpecBase } from './types.ts'

export const TARBALL_FILE = /[.](?:tgz|tar\.gz|tar)$/i

const ESCAPES: ReadonlyMap<string, string> = new Map([
  ['\0', '%00'], ['\t', '%09'], ['\n', '%0A'], ['\r', '%0D'], [' ', '%20'], ['"', '%22'],
  ['#', '%23'], ['%', '%25'], ['?', '%3F'], ['[', '%5B'], ['\\', '%5C'], [']', '%5D'],
  ['^', '%5E'], ['|', '%7C'], ['~', '%7E'],
])

export interface LocalContext {
  /** absolute folder the spec was written in */
  where: string
  homeDir: () => string
}

export function localSpec(base: SpecBase, context: LocalContext): LocalSpec {
  const type = TARBALL_FILE.test(base.rawSpec) ? 'file' : 'directory'
  const specText = normaliseFileUrl(toFileUrlText(base.rawSpec))
  const { specPath, resolvedPath } = decodePaths(base, specText, context.where)
  if (/^\/~(\/|$)/.test(specPath)) {
    return { type, ...base, path: path.resolve(context.homeDir(), specPath.slice(3)), saveSpec: `file:${specPath.slice(1)}` }
  }
  const saveSpec = path.isAbsolute(specText.slice(5))
    ? `file:${path.resolve(resolvedPath)}`
    : `file:${path.relative(context.where, resolvedPath)}`
  return { type, ...base, path: path.resolve(context.where, resolvedPath), saveSpec }
}

/** `file:` + the text with path-hostile characters escaped, the way Node's pathToFileURL escapes them. */
function toFileUrlText(text: string): string {
  let escaped = ''
  for (const char of text) escaped += ESCAPES.get(char) ?? char
  return escaped.startsWith('file:') ? escaped : `file:${escaped}`
}

/** npm's leniency: `file://x` means `/x`, and `file:/../x` means `../x` (1 to 3 slashes). */
function normaliseFileUrl(text: string): string {
  if (!text.startsWith('file:/')) return text
  const hostless = /^file:\/\/[^/]/.test(text) ? `file:/${text.slice(5)}` : text
  return /^\/{1,3}\.\.?(\/|$)/.test(hostless.slice(5)) ? hostless.replace(/^file:\/{1,3}/, 'file:') : hostless
}

function decodePaths(base: SpecBase, specText: string, where: string): { specPath: string; resolvedPath: string } {
  try {
    const resolvedUrl = new URL(specText, `${toFileUrlText(where)}/`)
    const specUrl = new URL(specText)
    return { specPath: decodeURIComponent(specUrl.pathname), resolvedPath: decodeURIComponent(resolvedUrl.pathname) }
  } catch (error) {
    throw new SkiffError('EBADSPEC', `"${base.raw}" is not a valid file: spec (RFC 8089)`, {
      cause: error,
      hint: 'write a path, or file:<path>',
    })
  }
}
