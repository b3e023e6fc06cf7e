/**
 * The process umask, read without changing it. `process.umask()` with no argument sets the mask
 * to 0 and back; two threads doing that at once can leave it at 0 for the whole process (seen
 * with two Bun workers: 0o022 became 0 for good). So workers never call it: on Linux the mask is
 * read from /proc/self/status, elsewhere `process.umask()` runs once, on the main thread, and
 * the value travels with each job.
 */
import fs from 'node:fs'

export function readUmask(): number {
  try {
    const match = /^Umask:\s+([0-7]+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))
    if (match?.[1]) return Number.parseInt(match[1], 8)
  } catch {
    // no /proc (macOS, BSD): fall through
  }
  return process.umask()
}
