/**
 * Entry point of a packument worker thread: the registry's bytes in, the compact text kept in
 * the metadata cache and sent back (packument-pool.ts). It must stay an entry point of the compiled build (build.ts).
 */
import { SkiffError } from '../error/index.ts'
import { keepInCache } from '../registry/index.ts'
import { packumentText } from '../resolve/index.ts'
import { answerCpuQuery } from '../scheduler/index.ts'
import type { PackumentReply, PackumentRequest } from './packument-pool.ts'

declare const self: Worker

self.onmessage = (event: MessageEvent<PackumentRequest>) => {
  if (answerCpuQuery(event.data, (reply) => self.postMessage(reply))) return
  const { id, name, body, write } = event.data
  let reply: PackumentReply
  try {
    const text = packumentText(body, name)
    keepInCache(write, text)
    reply = { id, ok: true, text }
  } catch (error) {
    reply = error instanceof SkiffError
      ? { id, ok: false, error: { code: error.code, message: error.message, hint: error.hint, pkg: name } }
      : { id, ok: false, error: { message: error instanceof Error ? error.message : String(error) } }
  }
  self.postMessage(reply)
}
