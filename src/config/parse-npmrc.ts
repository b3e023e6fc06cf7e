/**
 * Reads the text of one .npmrc the way npm's `ini` parser does, keeping each entry's line
 * number so errors can point at it.
 *
 * npm's rules matched here:
 * - lines are split on any run of CR/LF; blank lines and lines starting with `;` or `#` are skipped
 * - `[section]` starts a section; npm nests the keys that follow into an object that no
 *   setting reads, so they are returned with `section` set and the loader ignores them
 * - `key = value`: the key is everything before the first `=`; both sides are trimmed
 * - a value in double quotes is a JSON string; in single quotes, the text between them
 * - an unquoted value ends at the first `;` or `#` not escaped with `\`
 * - `key[] = value` appends to a list; a line with no `=` sets the key to `true`
 *
 * What npm silently drops or misreads is an ECONFIG error here, naming file, line and column:
 * a line with no key before `=`, a `[` line without its closing `]`, a double-quoted
 * value that is not a valid string, and `[]=` with no key name.
 */
import { SkiffError } from '../error/index.ts'

export interface NpmrcEntry {
  key: string
  /** `true` for a bare `key` line with no `=` */
  value: string | true
  /** `key[]=` lines */
  isList: boolean
  line: number
  /** the `[section]` the entry sits in, if any */
  section?: string
}

const SECTION = /^\[([^\]]*)\]\s*$/

export function parseNpmrc(text: string, file: string): NpmrcEntry[] {
  const entries: NpmrcEntry[] = []
  let section: string | undefined
  const lines = text.split(/\r\n|\r|\n/)
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? ''
    const lineNumber = index + 1
    if (/^\s*$/.test(line) || /^\s*[;#]/.test(line)) continue
    /** `at`: the 0-based offset in the line where the problem starts */
    const failAt = (at: number) => (fact: string): never => {
      throw new SkiffError('ECONFIG', `${file}:${lineNumber}:${at + 1}: ${fact}`, {
        file,
        hint: 'fix or remove that line',
      })
    }
    const sectionMatch = SECTION.exec(line)
    if (sectionMatch) {
      section = readText(sectionMatch[1] ?? '', failAt(line.indexOf('[') + 1))
      continue
    }
    if (line.startsWith('[') && !line.includes('=')) failAt(0)('a section header needs a closing "]" and nothing after it')
    const equals = line.indexOf('=')
    const rawKey = equals === -1 ? line : line.slice(0, equals)
    if (rawKey.trim() === '') failAt(Math.max(equals, 0))('no key before "="')
    let key = readText(rawKey, failAt(startOf(rawKey, 0)))
    const isList = key.length > 2 && key.endsWith('[]')
    if (key === '[]') failAt(startOf(rawKey, 0))('a list entry "[]=" needs a key name before "[]"')
    if (isList) key = key.slice(0, -2)
    const value = equals === -1 ? true : readText(line.slice(equals + 1), failAt(startOf(line.slice(equals + 1), equals + 1)))
    entries.push({ key, value, isList, line: lineNumber, ...(section === undefined ? {} : { section }) })
  }
  return entries
}

/** The offset of the first non-blank character of `part`, which starts at `offset` in its line. */
function startOf(part: string, offset: number): number {
  return offset + (part.length - part.trimStart().length)
}

/** One side of a `key = value` line: quoted JSON, single-quoted, or bare up to a comment. */
function readText(raw: string, fail: (fact: string) => never): string {
  const text = raw.trim()
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1)
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(text)
      if (typeof parsed === 'string') return parsed
    } catch {
      // reported below
    }
    return fail(`${text} is not a valid double-quoted string`)
  }
  if (text.startsWith('"')) return fail('a value that starts with a double quote must end with one')
  let result = ''
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? ''
    if (char === ';' || char === '#') break
    if (char === '\\') {
      const next = text[i + 1]
      if (next === undefined) {
        result += '\\'
      } else if (next === '\\' || next === ';' || next === '#') {
        result += next
        i++
      } else {
        result += `\\${next}`
        i++
      }
      continue
    }
    result += char
  }
  return result.trim()
}
