import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** A temp project folder holding `files` (path → text), removed by the returned dispose. */
export function createProject(files: Record<string, string>): { dir: string; [Symbol.dispose]: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-'))
  for (const [relative, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true })
    fs.writeFileSync(path.join(dir, relative), text)
  }
  return { dir, [Symbol.dispose]: () => fs.rmSync(dir, { recursive: true, force: true }) }
}

export const FIXTURES = path.join(import.meta.dir, 'fixtures')
/** The real projects npm wrote lockfiles for (test/fixtures/projects/README.md). */
export const PROJECT_FIXTURES = path.join(import.meta.dir, '../fixtures/projects')

/** The SkiffError a promise or function throws, for asserting on code and fields. */
export async function caught(run: () => unknown): Promise<unknown> {
  try {
    await run()
  } catch (error) {
    return error
  }
  throw new Error('expected an error, none was thrown')
}
