/**
 * Links a whole tree from a store made by make-store.ts, the way an install does: a package is
 * submitted once its parent package is linked, then every .bin link is made. Prints one JSON line.
 * [in flight] caps the link jobs outstanding at once, as a scheduler lane would (default: no cap).
 *
 *   bun bench/link/link-tree.ts <store dir> <project dir> <workers> [hardlink|copy] [in flight]
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { createLinker, linkBins, planBinLinks, type Backend } from '../../src/link/index.ts'
import { countPaths } from '../../src/tarball/index.ts'
import { PLAN_FILE, type PlannedPackage } from './make-store.ts'

/** The package location holding this one, or '' for a top-level package. */
function parentLocation(location: string): string {
  const cut = location.lastIndexOf('/node_modules/')
  return cut < 0 ? '' : location.slice(0, cut)
}

/** A counting semaphore: at most `limit` callers between acquire and release. */
function createGate(limit: number) {
  let free = limit
  const waiting: Array<() => void> = []
  return {
    async acquire(): Promise<void> {
      if (free > 0) {
        free--
        return
      }
      await new Promise<void>((resolve) => waiting.push(resolve))
    },
    release(): void {
      const next = waiting.shift()
      if (next) next()
      else free++
    },
  }
}

async function linkAll(plan: PlannedPackage[], storeDir: string, projectDir: string, backend: Backend, workers: number, inFlight: number) {
  const children = new Map<string, PlannedPackage[]>()
  for (const item of plan) {
    const parent = parentLocation(item.location)
    children.set(parent, [...(children.get(parent) ?? []), item])
  }
  await using linker = createLinker({ backend, workers })
  const gate = createGate(inFlight)
  const linkSubtree = async (item: PlannedPackage): Promise<void> => {
    await gate.acquire()
    await linker.link({
      srcDir: path.join(storeDir, item.storeKey),
      index: item.index,
      targetDir: path.join(projectDir, item.location),
      privateCopy: false,
      pkg: item.location,
    }).finally(gate.release)
    await Promise.all((children.get(item.location) ?? []).map(linkSubtree))
  }
  await Promise.all((children.get('') ?? []).map(linkSubtree))
}

async function linkAllBins(plan: PlannedPackage[], projectDir: string): Promise<number> {
  const won = new Map<string, { binDir: string; bin: Record<string, string> }>()
  for (const link of planBinLinks(plan)) {
    const entry = won.get(link.location) ?? { binDir: link.binDir, bin: {} }
    entry.bin[link.name] = link.file
    won.set(link.location, entry)
  }
  const linked = await Promise.all(
    [...won].map(([location, { binDir, bin }]) =>
      linkBins({ packageDir: path.join(projectDir, location), binDir: path.join(projectDir, binDir), bin, pkg: location }),
    ),
  )
  return linked.reduce((sum, names) => sum + names.length, 0)
}

const [storeArg, projectArg, workersArg, kindArg, inFlightArg] = process.argv.slice(2)
if (!storeArg || !projectArg || !workersArg) throw new Error('usage: bun bench/link/link-tree.ts <store dir> <project dir> <workers> [hardlink|copy]')
const storeDir = path.resolve(storeArg)
const projectDir = path.resolve(projectArg)
const tLoad = performance.now()
const plan = JSON.parse(readFileSync(path.join(storeDir, PLAN_FILE), 'utf8')) as PlannedPackage[]
const loadMs = performance.now() - tLoad
const backend: Backend = { kind: kindArg === 'copy' ? 'copy' : 'hardlink' }
const tLink = performance.now()
const inFlight = inFlightArg ? Number(inFlightArg) : Number.POSITIVE_INFINITY
await linkAll(plan, storeDir, projectDir, backend, Number(workersArg), inFlight)
const linkMs = performance.now() - tLink
const tBins = performance.now()
const bins = await linkAllBins(plan, projectDir)
const binsMs = performance.now() - tBins
console.log(
  JSON.stringify({
    workers: Number(workersArg),
    backend: backend.kind,
    in_flight: inFlightArg ? inFlight : 'all',
    packages: plan.length,
    files: plan.reduce((sum, item) => sum + countPaths(item.index.files), 0),
    bins,
    load_ms: Math.round(loadMs),
    link_ms: Math.round(linkMs),
    bins_ms: Math.round(binsMs),
  }),
)
