/**
 * JSON.parse with an error that says where: Bun's JSON.parse reports no position, so on
 * failure a small validator walks the text again to find the first offending character and
 * the error names the file, the line and the column (1-based).
 */
import { SkiffError } from '../error/index.ts'

export interface JsonSyntaxProblem {
  offset: number
  line: number
  column: number
  /** what was found there and what was expected */
  reason: string
}

export function parseJsonFile(text: string, file: string, hint?: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  try {
    return JSON.parse(body)
  } catch (cause) {
    const problem = findJsonSyntaxProblem(body)
    const where = problem === undefined ? '' : ` at line ${problem.line}, column ${problem.column}`
    const reason = problem === undefined ? String(cause) : problem.reason
    throw new SkiffError('EJSONPARSE', `${file}: invalid JSON${where}: ${reason}`, {
      file,
      cause,
      hint: hasConflictMarkers(body)
        ? 'the file contains git merge conflict markers (<<<<<<<); resolve the conflict first'
        : hint ?? 'fix the JSON syntax at that position',
    })
  }
}

function hasConflictMarkers(text: string): boolean {
  return /^<<<<<<< /m.test(text) && /^>>>>>>> /m.test(text)
}

/** The first syntax error in `text` per RFC 8259, or undefined if it is valid JSON. */
export function findJsonSyntaxProblem(text: string): JsonSyntaxProblem | undefined {
  let pos = 0

  const fail: (expected: string) => never = (expected) => {
    const found = pos >= text.length ? 'end of input' : `'${text[pos]}'`
    throw new JsonStop(pos, `unexpected ${found}, expected ${expected}`)
  }
  const skipSpace = () => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos] as string)) pos++
  }
  const literal = (word: string) => {
    for (const char of word) {
      if (text[pos] !== char) fail(`"${word}"`)
      pos++
    }
  }
  const string = () => {
    if (text[pos] !== '"') fail('a string')
    pos++
    for (;;) {
      const char = text[pos]
      if (char === undefined) fail('a closing quote')
      if (char === '"') {
        pos++
        return
      }
      if (char === '\\') {
        pos++
        const escaped = text[pos]
        if (escaped === 'u') {
          pos++
          for (let i = 0; i < 4; i++) {
            if (!/[0-9a-fA-F]/.test(text[pos] ?? '')) fail('a hex digit')
            pos++
          }
          continue
        }
        if (escaped === undefined || !'"\\/bfnrt'.includes(escaped)) fail('an escape character')
        pos++
        continue
      }
      if ((char.codePointAt(0) ?? 0) < 0x20) fail('a printable character or an escape')
      pos++
    }
  }
  const digits = () => {
    const start = pos
    while (/[0-9]/.test(text[pos] ?? '')) pos++
    if (pos === start) fail('a digit')
  }
  const number = () => {
    if (text[pos] === '-') pos++
    if (text[pos] === '0') pos++
    else digits()
    if (text[pos] === '.') {
      pos++
      digits()
    }
    if (text[pos] === 'e' || text[pos] === 'E') {
      pos++
      if (text[pos] === '+' || text[pos] === '-') pos++
      digits()
    }
  }
  const value = (): void => {
    skipSpace()
    const char = text[pos]
    if (char === '{') return object()
    if (char === '[') return array()
    if (char === '"') return string()
    if (char === 't') return literal('true')
    if (char === 'f') return literal('false')
    if (char === 'n') return literal('null')
    if (char === '-' || /[0-9]/.test(char ?? '')) return number()
    fail('a value')
  }
  const member = () => {
    skipSpace()
    string()
    skipSpace()
    if (text[pos] !== ':') fail('":"')
    pos++
    value()
  }
  const sequence = (close: string, item: () => void) => {
    pos++
    skipSpace()
    if (text[pos] === close) {
      pos++
      return
    }
    for (;;) {
      item()
      skipSpace()
      if (text[pos] === ',') {
        pos++
        continue
      }
      if (text[pos] === close) {
        pos++
        return
      }
      fail(`"," or "${close}"`)
    }
  }
  const object = () => sequence('}', member)
  const array = () => sequence(']', value)

  try {
    value()
    skipSpace()
    if (pos < text.length) fail('end of input')
    return undefined
  } catch (error) {
    if (!(error instanceof JsonStop)) throw error
    return { offset: error.offset, ...lineAndColumn(text, error.offset), reason: error.reason }
  }
}

class JsonStop {
  constructor(readonly offset: number, readonly reason: string) {}
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: offset - lineStart + 1 }
}
