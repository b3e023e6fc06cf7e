/**
 * Entry point of an extraction worker thread: one request, one reply. It must stay an entry
 * point of the compiled build (README.md, "Workers in the compiled binary").
 */
import { answerCpuQuery } from '../scheduler/index.ts'
import { extractTarballSync } from './extract-tarball.ts'
import { toWireError, type ExtractReply, type ExtractRequest } from './worker-protocol.ts'

declare const self: Worker

self.onmessage = (event: MessageEvent<ExtractRequest>) => {
  if (answerCpuQuery(event.data, (reply) => self.postMessage(reply))) return
  const { id, bytes, destDir, opts, umask } = event.data
  let reply: ExtractReply
  try {
    reply = { id, ok: true, result: extractTarballSync(bytes, destDir, opts, umask) }
  } catch (error) {
    reply = { id, ok: false, error: toWireError(error, opts.pkg) }
  }
  self.postMessage(reply)
}
