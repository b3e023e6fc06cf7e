import path from 'node:path'
import { errnoCode, SkiffError } from '../error/index.ts'
import { detectFormat } from './detect-format.ts'
import { parseJsonFile } from './parse-json.ts'

export interface PackageJsonFile {
  /** the parsed object (untrusted: read its fields through a parser) */
  data: Record<string, unknown>
  text: string
  indent: string
  newline: string
}

/** Reads `<dir>/package.json`; ENOENT passes through as a system error so callers can tell "absent". */
export async function readPackageJson(dir: string): Promise<PackageJsonFile> {
  const file = path.join(dir, 'package.json')
  const text = await Bun.file(file).text()
  const data = parseJsonFile(text, file, 'fix package.json and try again')
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new SkiffError('EJSONPARSE', `${file}: package.json must contain a JSON object`, {
      file,
      hint: 'the file must start with { and hold the package fields',
    })
  }
  return { data: data as Record<string, unknown>, text, ...detectFormat(text) }
}

/** True if `error` says the file does not exist. */
export function isMissingFile(error: unknown): boolean {
  const code = errnoCode(error)
  return code === 'ENOENT' || code === 'ENOTDIR'
}
