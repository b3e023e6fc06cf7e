/**
 * Entry point of the thread that checks node_modules against its hidden lockfile
 * (tree-check.ts) while the main thread reads the lockfile and resolves: the check in place,
 * its answer sent back. It must stay an entry point of the compiled build (release/compile.ts).
 */
import { currentTree, type TreeCheckReply, type TreeCheckRequest } from './tree-check.ts'

declare const self: Worker

self.onmessage = async (event: MessageEvent<TreeCheckRequest>) => {
  const { projectDir, nativeIo } = event.data
  let reply: TreeCheckReply
  try {
    const tree = await currentTree(projectDir, nativeIo === undefined ? {} : { nativeIo })
    reply = tree === undefined ? { ok: true, trusted: false } : { ok: true, trusted: true, changed: [...tree.changed] }
  } catch {
    // the main thread does it again, and words the error
    reply = { ok: false }
  }
  self.postMessage(reply)
}
