/**
 * Entry point of a packument worker thread (packument-pool.ts): the registry's bytes in, the
 * compact text's bytes back; a copy of each text is written into the metadata cache once no
 * document has come for QUIET_MS (or much is waiting), all in one transaction; "written" is
 * answered once everything read before it is written. It must stay an entry point of the
 * compiled build (build.ts).
 */
import { SkiffError } from '../error/index.ts'
import { keepAllInCache, type CacheWrite } from '../registry/index.ts'
import { packumentBytes, packumentForCache } from '../resolve/index.ts'
import { answerCpuQuery, transferable } from '../scheduler/index.ts'
import type { PackumentReply, PackumentRequest } from './packument-pool.ts'

declare const self: Worker

/** how long the thread must have had nothing to read before it writes the cache */
const QUIET_MS = 20
/** written at once beyond this much */
const KEEP_AT_MOST_BYTES = 32 << 20

let toKeep: Array<{ write: CacheWrite; body: Uint8Array }> = []
let toKeepBytes = 0
let quiet: ReturnType<typeof setTimeout> | undefined

self.onmessage = (event: MessageEvent<PackumentRequest>) => {
  if (answerCpuQuery(event.data, (reply) => self.postMessage(reply))) return
  const request = event.data
  clearTimeout(quiet)
  if (request.type === 'written') {
    writeKept()
    const reply: PackumentReply = { type: 'written' }
    self.postMessage(reply)
    return
  }
  read(request)
  if (toKeepBytes >= KEEP_AT_MOST_BYTES) writeKept()
  else quiet = setTimeout(writeKept, QUIET_MS)
}

const epochMs = () => performance.timeOrigin + performance.now()

function read({ id, name, body, write }: Extract<PackumentRequest, { type: 'read' }>): void {
  let reply: PackumentReply
  try {
    const startedAt = epochMs()
    const bytes = packumentBytes(body, name)
    // the bytes go to the resolver; the cache gets a copy, compressed when it is written
    toKeep.push({ write, body: bytes.slice() })
    toKeepBytes += bytes.length
    reply = { id, ok: true, bytes, startedAt, endedAt: epochMs() }
  } catch (error) {
    reply = error instanceof SkiffError
      ? { id, ok: false, error: { code: error.code, message: error.message, hint: error.hint, pkg: name } }
      : { id, ok: false, error: { message: error instanceof Error ? error.message : String(error) } }
  }
  self.postMessage(reply, 'bytes' in reply ? transferable(reply.bytes) : [])
}

function writeKept(): void {
  clearTimeout(quiet)
  const kept = toKeep
  toKeep = []
  toKeepBytes = 0
  if (kept.length === 0) return
  const startedAt = epochMs()
  keepAllInCache(kept.map(({ write, body }) => ({ write, body: packumentForCache(body) })))
  const reply: PackumentReply = { type: 'kept', startedAt, endedAt: epochMs() }
  self.postMessage(reply)
}
