/**
 * One batch of link jobs, run in order, with one report naming the jobs that failed: what a
 * link worker does with each message, and what the linker does on its own thread when it has
 * no workers (a small install, where starting threads costs more than they save).
 *
 * A link job asked to verify checks the stored files first (store's verifyStoredFiles), or, in
 * the compiled loop, as it links each (a package found damaged there is looked at again with
 * verifyStoredFiles, which says how), and links nothing from a damaged entry; a link that fails is checked too, so that a stored file
 * that went missing or changed is reported as damage (the install fetches the package again),
 * not as a link error. A hardlink job whose files may not be linked (EPERM: another user's
 * files under fs.protected_hardlinks) is copied instead, and the report says so.
 */
import { errnoCode } from '../error/index.ts'
import { describeDamage, verifyStoredFiles } from '../store/index.ts'
import { openCompiledLoops } from '../libc/index.ts'
import { CompiledLinkFailed, materialisePackage } from './materialise-package.ts'
import { removeTarget } from './replace-target.ts'
import type { BatchReport, BatchRequest, JobFailure, WireJob } from './worker-protocol.ts'

export function runBatch(request: BatchRequest): BatchReport {
  const failures: JobFailure[] = []
  const copied: number[] = []
  for (const job of request.jobs) {
    const outcome = runJob(job)
    if (outcome === COPIED) copied.push(job.id)
    else if (outcome) failures.push(outcome)
  }
  return { batchId: request.batchId, failures, ...(copied.length > 0 ? { copied } : {}) }
}

const COPIED = 'copied'

function runJob(job: WireJob): JobFailure | typeof COPIED | undefined {
  if (job.kind === 'remove') {
    try {
      removeTarget(job.targetDir)
      return undefined
    } catch (error) {
      return describeFailure(job.id, error)
    }
  }
  // the compiled loop checks the stored files as it links them; the file-by-file way checks first
  const compiled = job.compiled && job.mode === 'hardlink' && job.nativeIo && openCompiledLoops() !== undefined
  if (job.verify && !compiled) {
    const damage = findDamage(job)
    if (damage) return damage
  }
  try {
    materialisePackage(compiled ? { ...job, ...(job.verify ? { verifySizes: job.sizes } : {}) } : { ...job, compiled: false })
    return undefined
  } catch (error) {
    if (!(error instanceof CompiledLinkFailed)) return linkFailure(job, error)
    const damage = findDamage(job)
    if (damage) return damage
    try {
      materialisePackage({ ...job, compiled: false })
      return undefined
    } catch (again) {
      return linkFailure(job, again)
    }
  }
}

/** A link that failed: damage in the store, a package to copy instead, or the error itself. */
function linkFailure(job: Extract<WireJob, { kind: 'link' }>, error: unknown): JobFailure | typeof COPIED {
  const damage = findDamage(job)
  if (damage) return damage
  // a file of the store another user owns may not be hardlinked (fs.protected_hardlinks): copy that package
  if (job.mode === 'hardlink' && errnoCode(error) === 'EPERM') return copyInstead(job)
  return describeFailure(job.id, error)
}

function copyInstead(job: Extract<WireJob, { kind: 'link' }>): JobFailure | typeof COPIED {
  try {
    materialisePackage({ ...job, mode: 'copy' })
    return COPIED
  } catch (error) {
    return describeFailure(job.id, error)
  }
}

function findDamage(job: Extract<WireJob, { kind: 'link' }>): JobFailure | undefined {
  const damage = verifyStoredFiles(job.srcDir, job, 1, { nativeIo: job.nativeIo })[0]
  if (!damage) return undefined
  const reason = describeDamage(damage)
  return { id: job.id, message: `the stored copy is damaged: ${reason}`, damaged: reason }
}

function describeFailure(id: number, error: unknown): JobFailure {
  const message = error instanceof Error ? error.message : String(error)
  const failure: JobFailure = { id, message }
  const errno = errnoCode(error)
  if (errno) failure.errno = errno
  // a copy or link names its source as `path`; a full or read-only disk is the destination's
  const failedPath = (WRITE_FAULTS.has(errno ?? '') && fieldOf(error, 'dest')) || fieldOf(error, 'path')
  if (failedPath) failure.path = failedPath
  return failure
}

const WRITE_FAULTS = new Set(['ENOSPC', 'EDQUOT', 'EROFS'])

function fieldOf(error: unknown, field: 'path' | 'dest'): string | undefined {
  if (typeof error !== 'object' || error === null || !(field in error)) return undefined
  const value = (error as Record<string, unknown>)[field]
  return typeof value === 'string' ? value : undefined
}
