/**
 * Entry point of a link worker thread: each message is a batch of jobs (run-batch.ts), each
 * answered with one report. It must stay an entry point of the compiled build (see README.md,
 * "Workers in the compiled binary").
 */
import { answerCpuQuery } from '../scheduler/index.ts'
import { runBatch } from './run-batch.ts'
import type { BatchRequest } from './worker-protocol.ts'

declare const self: Worker

self.onmessage = (event: MessageEvent<BatchRequest>) => {
  if (answerCpuQuery(event.data, (reply) => self.postMessage(reply))) return
  self.postMessage(runBatch(event.data))
}
