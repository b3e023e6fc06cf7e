/**
 * What a previous install left in node_modules, and which of its packages changed since: the
 * hidden lockfile, trusted only if the folders match it, and every file of every package
 * looked at (lockfile/changed-packages.ts). On a big tree that is one fstatat per file (antd:
 * 160k files, ~0.6 s of system CPU), so an install that has other work to do first (reading
 * the lockfile, resolving) can have it done by a thread of its own meanwhile.
 */
import { readHiddenLockfile, readTrustedTree, type LockEntry } from '../lockfile/index.ts'
import { workerEntryUrl } from '../scheduler/index.ts'

export interface CurrentTree {
  packages: ReadonlyMap<string, LockEntry>
  /** packages whose files changed since the previous install: made again */
  changed: ReadonlySet<string>
}

export interface TreeCheckRequest {
  projectDir: string
  nativeIo?: boolean
}

export type TreeCheckReply = { ok: true; trusted: false } | { ok: true; trusted: true; changed: string[] } | { ok: false }

/** Below this many installed packages the check is done in place: a thread costs more to start. */
const OFF_THREAD_MIN = 400

/**
 * The tree a previous install left, when its hidden lockfile can be trusted, and which of its
 * packages had a file added, removed or changed since (made again, so that the result is what
 * a clean install makes). With `offThread`, a big tree is checked by a worker thread while the
 * caller goes on until it awaits the answer.
 */
export async function currentTree(
  projectDir: string,
  /** offThreadMin: the fewest packages checked off the main thread (OFF_THREAD_MIN) */
  options: { nativeIo?: boolean; offThread?: boolean; offThreadMin?: number } = {},
): Promise<CurrentTree | undefined> {
  const hidden = await readHiddenLockfile(projectDir).catch(() => undefined)
  if (!hidden) return undefined
  const check = { ...(options.nativeIo === undefined ? {} : { nativeIo: options.nativeIo }) }
  if (options.offThread === true && hidden.packages.size >= (options.offThreadMin ?? OFF_THREAD_MIN)) {
    const reply = await checkOnThread({ projectDir, ...check })
    if (reply.ok) return reply.trusted ? { packages: hidden.packages, changed: new Set(reply.changed) } : undefined
  }
  return readTrustedTree(projectDir, hidden, check)
}

function checkOnThread(request: TreeCheckRequest): Promise<TreeCheckReply> {
  return new Promise((resolve) => {
    const worker = new Worker(workerEntryUrl(new URL('./tree-check-worker.ts', import.meta.url)), { smol: true })
    const settle = (reply: TreeCheckReply) => {
      worker.terminate()
      resolve(reply)
    }
    worker.onmessage = (event: MessageEvent<TreeCheckReply>) => settle(event.data)
    worker.onerror = () => settle({ ok: false })
    worker.postMessage(request)
  })
}
