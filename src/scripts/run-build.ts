/**
 * Runs a build plan (plan-build.ts) around the bin links, phase by phase. The scripts of one
 * phase run together on a bounded lane (npm: one fewer than the cores, at least one); with
 * --foreground-scripts one at a time, their output on the terminal. A phase ends when all its
 * scripts have ended.
 *
 * A failing script of an optional package removes its optional set (the package, what needs
 * it, and what only they need, wherever those are placed: lockfile/optional-set.ts) and the
 * install goes on with a warning; the set's scripts still to come are not run, as npm skips
 * the nodes it is about to delete. Any other failure fails the build with ELIFECYCLE once the
 * phase has ended, naming the package, the phase, the exit code and the end of the output.
 */
import { SkiffError } from '../error/index.ts'
import { nameFromLocation } from '../lockfile/index.ts'
import { createLane } from '../scheduler/index.ts'
import type { BuildNode, BuildPlan, Phase, PhaseQueues } from './plan-build.ts'
import { lifecycleError, type ScriptRunner } from './script-runner.ts'

export interface RunBuildOptions {
  plan: BuildPlan
  run: ScriptRunner
  foreground: boolean
  /** scripts of one phase at once (ignored with foreground) */
  concurrency: number
  /** (re)links the tree's bins; called between the phases as npm orders them */
  linkBins: () => Promise<void>
  /**
   * removes the optional set of the package at a location from node_modules and resolves to
   * the set's locations; without it (`rebuild`) a failing optional package fails the build
   * like any other
   */
  removeOptional?: (location: string) => Promise<string[]>
  verbose: (line: string) => void
  warn: (line: string) => void
  signal: AbortSignal
}

export interface BuildResult {
  /** locations removed because a script of an optional package failed (whole optional sets) */
  removed: string[]
  /** scripts run */
  ran: number
}

export async function runBuild(options: RunBuildOptions): Promise<BuildResult> {
  const removed: string[] = []
  let ran = 0
  const isRemoved = (node: BuildNode) => removed.some((location) => node.location === location || node.location.startsWith(`${location}/`))

  async function runPhase(queues: PhaseQueues, phase: Phase): Promise<void> {
    const queue = queues[phase].filter((node) => !isRemoved(node))
    if (queue.length === 0) return
    const failures: SkiffError[] = []
    const lane = createLane({
      name: `scripts:${phase}`,
      concurrency: options.foreground ? 1 : Math.max(1, options.concurrency),
      capacity: queue.length,
      signal: options.signal,
    })
    for (const node of queue) {
      await lane.push(async () => {
        if (options.signal.aborted || isRemoved(node)) return
        const script = node.scripts[phase] as string
        options.verbose(`run ${node.pkg} ${phase} ${node.location} ${script}`)
        ran++
        const result = await options.run({
          dir: node.dir,
          event: phase,
          script,
          manifest: node.manifest,
          extra: node.env,
          stdio: options.foreground ? 'inherit' : 'pipe',
        })
        options.verbose(`run ${node.pkg} ${phase} ${node.location} exited with ${result.code}`)
        if (result.code === 0) return
        const error = lifecycleError({ pkg: node.pkg, event: phase, script, dir: node.dir, result })
        if (!node.optional || node.isLink || options.removeOptional === undefined) {
          failures.push(error)
          return
        }
        const gone = await options.removeOptional(node.location)
        removed.push(...gone)
        const others = [...new Set(gone.filter((location) => location !== node.location).map(nameFromLocation))]
        const also = others.length > 0 ? ` with what only it needed (${others.join(', ')})` : ''
        options.warn(`optional dependency ${node.pkg} was removed${also}: its ${phase} script failed (${error.message})`)
      })
    }
    await lane.idle()
    if (lane.errors.length > 0) throw lane.errors[0]
    if (options.signal.aborted) throw options.signal.reason
    if (failures.length === 1) throw failures[0]
    if (failures.length > 1) {
      throw new SkiffError('ELIFECYCLE', `${failures.length} ${phase} scripts failed`, {
        lines: failures.flatMap((failure) => [failure.message, ...(failure.details.lines ?? []).map((line) => `  ${line}`)]),
        cause: failures[0],
      })
    }
  }

  const { deps, links } = options.plan
  await runPhase(deps, 'preinstall')
  await options.linkBins()
  await runPhase(deps, 'install')
  await runPhase(deps, 'postinstall')
  await runPhase(links, 'preinstall')
  await runPhase(links, 'prepare')
  // a workspace's prepare may build the files its bins point at
  if (links.prepare.length > 0) await options.linkBins()
  await runPhase(links, 'install')
  await runPhase(links, 'postinstall')
  return { removed, ran }
}
