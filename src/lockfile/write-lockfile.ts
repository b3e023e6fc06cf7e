import fs from 'node:fs/promises'
import path from 'node:path'
import { errnoCode } from '../error/index.ts'

/**
 * Writes `text` to a temp file beside `file` and renames it into place, so a reader never
 * sees half a lockfile and a crash leaves the old one intact. An existing file's mode is kept.
 */
export async function writeLockfileAtomic(file: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`)
  const mode = await fs.stat(file).then((stats) => stats.mode & 0o7777, (error: unknown) => {
    if (errnoCode(error) === 'ENOENT') return undefined
    throw error
  })
  try {
    await fs.writeFile(temp, text, mode === undefined ? {} : { mode })
    await fs.rename(temp, file)
  } catch (error) {
    await fs.rm(temp, { force: true })
    throw error
  }
}

const TEMP_NAME = /^\.(?:package-lock\.json|npm-shrinkwrap\.json|package\.json)\.\d+\.[0-9a-f]{8}\.tmp$/

/**
 * Removes the temp files of writes a killed process never renamed into place. Only safe while
 * no other install writes in the folder: call it holding the project lock.
 */
export async function removeWriteLeftovers(dir: string): Promise<void> {
  const names = await fs.readdir(dir).catch(() => [] as string[])
  await Promise.all(names.filter((name) => TEMP_NAME.test(name)).map((name) => fs.rm(path.join(dir, name), { force: true })))
}
