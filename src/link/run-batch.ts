/**
 * One batch of link jobs, run in order, with one report naming the jobs that failed: what a
 * link worker does with each message, and what the linker does on its own thread when it has
 * no workers (a small install, where starting threads costs more than they save).
 */
import { errnoCode } from '../error/index.ts'
import { materialisePackage } from './materialise-package.ts'
import { removeTarget } from './replace-target.ts'
import type { BatchReport, BatchRequest, JobFailure, WireJob } from './worker-protocol.ts'

export function runBatch(request: BatchRequest): BatchReport {
  const failures: JobFailure[] = []
  for (const job of request.jobs) {
    const failure = runJob(job)
    if (failure) failures.push(failure)
  }
  return { batchId: request.batchId, failures }
}

function runJob(job: WireJob): JobFailure | undefined {
  try {
    if (job.kind === 'link') materialisePackage(job)
    else removeTarget(job.targetDir)
    return undefined
  } catch (error) {
    return describeFailure(job.id, error)
  }
}

function describeFailure(id: number, error: unknown): JobFailure {
  const message = error instanceof Error ? error.message : String(error)
  const failure: JobFailure = { id, message }
  const errno = errnoCode(error)
  if (errno) failure.errno = errno
  const failedPath = pathOf(error)
  if (failedPath) failure.path = failedPath
  return failure
}

function pathOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('path' in error)) return undefined
  const value = (error as { path: unknown }).path
  return typeof value === 'string' ? value : undefined
}
