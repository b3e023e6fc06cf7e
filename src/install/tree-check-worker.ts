/**
 * Entry point of the thread that checks node_modules against its hidden lockfile
 * (tree-check.ts) while the main thread reads the lockfile and resolves. It must stay an entry
 * point of the compiled build (release/compile.ts).
 */
import { readHiddenLockfile, readTrustedTree } from '../lockfile/index.ts'
import type { TreeCheckReply, TreeCheckRequest } from './tree-check.ts'

declare const self: Worker

self.onmessage = async (event: MessageEvent<TreeCheckRequest>) => {
  const { projectDir, nativeIo } = event.data
  let reply: TreeCheckReply
  try {
    const hidden = await readHiddenLockfile(projectDir)
    const trusted = hidden ? readTrustedTree(projectDir, hidden, nativeIo === undefined ? {} : { nativeIo }) : undefined
    reply = trusted === undefined ? { ok: true, trusted: false } : { ok: true, trusted: true, changed: [...trusted.changed] }
  } catch {
    // the main thread does it again, and words the error
    reply = { ok: false }
  }
  self.postMessage(reply)
}
