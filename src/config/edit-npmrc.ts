/**
 * `skiff config set` / `delete`: one key of an .npmrc text changed, everything else (comments,
 * order, other keys, line endings) left as it was. Pure. A key set again replaces its last
 * line and drops earlier ones (npm writes the file anew with the key once).
 */
import { parseNpmrc } from './parse-npmrc.ts'

export function setNpmrcKey(text: string, file: string, key: string, value: string): string {
  const newline = text.includes('\r\n') ? '\r\n' : '\n'
  const line = `${key}=${value}`
  const lines = text === '' ? [] : text.split(/\r?\n/)
  const at = linesOf(text, file, key)
  if (at.length === 0) {
    if (lines.length > 0 && lines.at(-1) === '') lines.pop()
    return `${[...lines, line].join(newline)}${newline}`
  }
  const last = at.at(-1) as number
  lines[last] = line
  return lines.filter((_, index) => !at.includes(index) || index === last).join(newline)
}

export function deleteNpmrcKey(text: string, file: string, key: string): string {
  const newline = text.includes('\r\n') ? '\r\n' : '\n'
  const at = linesOf(text, file, key)
  return text.split(/\r?\n/).filter((_, index) => !at.includes(index)).join(newline)
}

/** The 0-based lines that set `key` outside any [section] (also `key[]=` lines). */
function linesOf(text: string, file: string, key: string): number[] {
  return parseNpmrc(text, file).filter((entry) => entry.section === undefined && entry.key === key).map((entry) => entry.line - 1)
}
