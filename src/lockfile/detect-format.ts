/**
 * The indent and newline npm keeps when it rewrites package.json and writes the lockfile
 * (json-parse-even-better-errors): the line break(s) right after the opening brace and the
 * whitespace that follows them. A file without a line break there gives '' for both, which
 * the lockfile writer turns into its defaults (2 spaces, '\n'), as npm does.
 */
export interface JsonFormat {
  indent: string
  newline: string
}

const FORMAT = /^\s*[{[]((?:\r?\n)+)([\s\t]*)/
const EMPTY = /^(?:\{\}|\[\])((?:\r?\n)+)?$/

export function detectFormat(text: string): JsonFormat {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const match = EMPTY.exec(body) ?? FORMAT.exec(body)
  if (match === null) return { indent: '', newline: '' }
  return { newline: match[1] ?? '\n', indent: match[2] ?? '  ' }
}
