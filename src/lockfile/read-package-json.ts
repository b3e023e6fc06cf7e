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
  checkDependencyFields(data as Record<string, unknown>, file)
  return { data: data as Record<string, unknown>, text, ...detectFormat(text) }
}

/**
 * The project's own package.json: a missing one is ENOPACKAGEJSON naming the folder (npm's
 * "Could not read package.json"), or, with `orEmpty`, an empty object to add to (npm's
 * `install <pkg>` in a folder without one writes a new package.json).
 */
export async function readProjectPackageJson(dir: string, options: { orEmpty?: boolean } = {}): Promise<PackageJsonFile> {
  try {
    return await readPackageJson(dir)
  } catch (error) {
    if (!isMissingFile(error)) throw error
    if (options.orEmpty) return { data: {}, text: '', indent: '  ', newline: '\n' }
    const file = path.join(dir, 'package.json')
    throw new SkiffError('ENOPACKAGEJSON', `could not read package.json: ${file} does not exist`, {
      file,
      hint: 'run skiff in the project folder (or pass --prefix <folder>); `skiff install <package>` creates a package.json',
    })
  }
}

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']

/** Each dependency list is an object of name -> spec string (null counts as absent, as in npm). */
function checkDependencyFields(data: Record<string, unknown>, file: string): void {
  for (const field of DEPENDENCY_FIELDS) {
    const list = data[field]
    if (list === undefined || list === null) continue
    if (typeof list !== 'object' || Array.isArray(list)) {
      throw new SkiffError('EBADSPEC', `${file}: "${field}" must be an object of package names and specs, found ${JSON.stringify(list)}`, {
        file,
        hint: `write it as "${field}": { "<name>": "<version or range>" }`,
      })
    }
    for (const [name, spec] of Object.entries(list)) {
      if (typeof spec === 'string') continue
      throw new SkiffError('EBADSPEC', `${file}: ${field}[${JSON.stringify(name)}] must be a string, found ${JSON.stringify(spec)}`, {
        file,
        pkg: name,
        hint: 'a dependency is a version, range, tag, URL or path, written as a string',
      })
    }
  }
}

/** True if `error` says the file does not exist. */
export function isMissingFile(error: unknown): boolean {
  const code = errnoCode(error)
  return code === 'ENOENT' || code === 'ENOTDIR'
}
