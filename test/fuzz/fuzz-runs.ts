/**
 * How many cases each fuzz property tries: a bounded number in the normal test run (the whole
 * fuzz suite stays within seconds), more by hand with SKIFF_FUZZ_RUNS, e.g.
 *   SKIFF_FUZZ_RUNS=100000 bun test test/fuzz
 * A failure prints fast-check's seed and path; replay it with SKIFF_FUZZ_SEED=<seed>.
 */
import { isSkiffError, type ErrorCode } from '../../src/error/index.ts'

const fromEnv = Number(process.env.SKIFF_FUZZ_RUNS)
const seed = Number(process.env.SKIFF_FUZZ_SEED)

/** Per-test timeout: generous for the bounded run, unbounded in practice for a run by hand. */
export const FUZZ_TIMEOUT_MS = Number.isInteger(fromEnv) && fromEnv > 0 ? 24 * 3600_000 : 30_000

/** fast-check parameters: `defaultRuns` cases unless SKIFF_FUZZ_RUNS says how many. */
export function fuzzParameters(defaultRuns: number): { numRuns: number; seed?: number } {
  const numRuns = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : defaultRuns
  return Number.isInteger(seed) ? { numRuns, seed } : { numRuns }
}

/** Runs `action`; anything it throws must be a SkiffError with one of `codes`, else it is rethrown. */
export function onlySkiffErrors<T>(codes: readonly ErrorCode[], action: () => T): T | undefined {
  try {
    return action()
  } catch (error) {
    if (isSkiffError(error) && codes.includes(error.code)) return undefined
    throw error
  }
}

export async function onlySkiffErrorsAsync<T>(codes: readonly ErrorCode[], action: () => Promise<T>): Promise<T | undefined> {
  try {
    return await action()
  } catch (error) {
    if (isSkiffError(error) && codes.includes(error.code)) return undefined
    throw error
  }
}
