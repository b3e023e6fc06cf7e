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
