/**
 * What the worker pools behind the lanes (extraction, linking, packument reading) share.
 *
 * workerEntryUrl: where a worker's module is. From source (bun run, bun test) it sits beside
 * the module that starts it. In a `bun build --compile` binary it is an extra entry point of
 * the build, named flat (`naming: { entry: '[name].[ext]' }`), beside the main bundle:
 * `<dir of Bun.main>/<name>.js`. The caller's `import.meta.url` only names the file there: with
 * `--bytecode` it is frozen to the build machine's source path.
 *
 * transferable: the buffer to hand to a worker without a copy, when the bytes are all of it
 * (a view into a larger buffer is copied instead).
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'

/** `source`: the worker module beside the caller, `new URL('./x-worker.ts', import.meta.url)`. */
export function workerEntryUrl(source: URL): string {
  if (!Bun.isStandaloneExecutable) return source.href
  return path.join(path.dirname(Bun.main), `${path.basename(source.pathname, '.ts')}.js`)
}

export function transferable(bytes: Uint8Array): ArrayBuffer[] {
  const buffer = bytes.buffer
  return buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength ? [buffer] : []
}

/** CPU time in milliseconds. */
export interface CpuTime {
  userMs: number
  sysMs: number
}

/** What a pool posts to a worker to learn the CPU its thread used (--timings). */
export const CPU_QUERY = 'cpu?'

export interface CpuReply {
  cpu: CpuTime | null
}

/** Kernel clock ticks a second, as /proc reports thread times (USER_HZ, 100 on every Linux build). */
const TICKS_PER_SECOND = 100

/** The CPU the calling thread has used (Linux: /proc/thread-self/stat); null where that cannot be read. */
export function threadCpu(): CpuTime | null {
  let stat: string
  try {
    stat = readFileSync('/proc/thread-self/stat', 'latin1')
  } catch {
    return null
  }
  // fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticksToMs = 1000 / TICKS_PER_SECOND
  return { userMs: Number(fields[11]) * ticksToMs, sysMs: Number(fields[12]) * ticksToMs }
}

/** In a worker's message handler: answers CPU_QUERY and returns true, or returns false for any other message. */
export function answerCpuQuery(data: unknown, post: (reply: CpuReply) => void): boolean {
  if (data !== CPU_QUERY) return false
  post({ cpu: threadCpu() })
  return true
}

/** The summed thread CPU of a pool's workers; null when any of them cannot tell. */
export async function askThreadCpu(workers: readonly Worker[]): Promise<CpuTime | null> {
  const replies = await Promise.all(
    workers.map(
      (worker) =>
        new Promise<CpuTime | null>((resolve) => {
          const onMessage = (event: MessageEvent) => {
            const data: unknown = event.data
            if (typeof data !== 'object' || data === null || !('cpu' in data)) return
            worker.removeEventListener('message', onMessage)
            worker.unref()
            resolve((data as CpuReply).cpu)
          }
          worker.addEventListener('message', onMessage)
          worker.ref()
          worker.postMessage(CPU_QUERY)
        }),
    ),
  )
  let userMs = 0
  let sysMs = 0
  for (const cpu of replies) {
    if (!cpu) return null
    userMs += cpu.userMs
    sysMs += cpu.sysMs
  }
  return { userMs, sysMs }
}
