/**
 * Entry point of a link worker thread. It runs each batch of jobs in order and answers with
 * one report per batch naming the jobs that failed. It must stay an entry point of the
 * compiled build (see README.md, "Workers in the compiled binary").
 */
import { errnoCode } from '../error/index.ts'
import { answerCpuQuery } from '../scheduler/index.ts'
import { materialisePackage } from './materialise-package.ts'
import { removeTarget } from './replace-target.ts'
import type { BatchReport, BatchRequest, JobFailure, WireJob } from './worker-protocol.ts'

declare const self: Worker

self.onmessage = (event: MessageEvent<BatchRequest>) => {
  if (answerCpuQuery(event.data, (reply) => self.postMessage(reply))) return
  const failures: JobFailure[] = []
  for (const job of event.data.jobs) {
    const failure = runJob(job)
    if (failure) failures.push(failure)
  }
  const report: BatchReport = { batchId: event.data.batchId, failures }
  self.postMessage(report)
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
