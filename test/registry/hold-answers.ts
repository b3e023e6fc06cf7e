/**
 * Holding the fixture registry's answers until a request shows that something was asked for
 * early enough: a gate, not a time bound.
 */
import type { TestRegistry } from './create-test-registry.ts'

/**
 * Holds the registry's answers to what `held` matches until `done` says (from each request seen)
 * that everything expected was asked for; then everything held is answered. `reached` says
 * whether that happened: when it never does, the hold is let go after `fallbackMs` so the
 * install still ends (and the test fails on `reached`, not on a time bound).
 */
export async function holdAnswers<T>(registry: TestRegistry, held: (path: string) => boolean, done: (path: string) => boolean, fallbackMs: number, run: () => Promise<T>): Promise<{ value: T; reached: boolean }> {
  let released = false
  let reached = false
  let letGo: () => void = () => {}
  const gate = new Promise<void>((resolve) => (letGo = resolve))
  const release = () => {
    released = true
    letGo()
  }
  const fallback = setTimeout(release, fallbackMs)
  registry.fault((request) => {
    if (!released && done(request.path)) {
      reached = true
      release()
    }
    return held(request.path)
  }, { until: gate })
  try {
    return { value: await run(), reached }
  } finally {
    clearTimeout(fallback)
    registry.clearFaults()
  }
}
