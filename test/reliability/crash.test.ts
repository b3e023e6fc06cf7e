/**
 * Crash safety of `skiff ci`: the process is stopped (SIGINT, SIGTERM, SIGKILL) at named points
 * of an install, each reached by watching the disk or the registry rather than by a clock:
 * - fetch: a tarball held back by the fixture registry has been asked for;
 * - extract: a staging folder exists in the store;
 * - link: a package is being built beside its target in node_modules (`.skiff-tmp-*`);
 * - bins: node_modules/.bin exists (the hidden lockfile is written right after the bin links).
 * SIGINT and SIGTERM must end the process promptly with 130 / 143 and one line, leaving no
 * half-made package, a sound store and no hidden lockfile unless the tree it lists is complete; after SIGKILL the store may hold
 * staging leftovers but never an unsound entry. Then a second run must succeed and leave
 * exactly the tree a clean install leaves, and a store with no leftovers.
 */
import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { lockfileFor, type LockedPackage } from '../registry/index.ts'
import {
  fixtureSuite,
  halfMadePackages,
  LOCKED,
  PACKAGE_JSON,
  PACKAGES,
  runSkiffFull,
  snapshotNodeModules,
  startSkiff,
  storeProblems,
  tempDir,
  waitFor,
  writeFixtureProject,
  type RunningSkiff,
} from './fixture.ts'

/** A dependency whose postinstall holds the install after the bin links, before the hidden lockfile. */
const SLEEPER = { name: 'sleeper', version: '1.0.0', scripts: { postinstall: 'sleep 3' }, files: { 'index.js': 'module.exports = 1\n' } }
const suite = fixtureSuite([SLEEPER])
const STORED = [...PACKAGES, SLEEPER]

const BETA = '/beta/-/beta-1.0.0.tgz'

interface CrashPoint {
  name: string
  /** the project this point is reached in, when not the fixture project */
  project?: { packageJson: Record<string, unknown>; locked: LockedPackage[] }
  /** faults to arm before the run */
  arm?: () => void
  /** true once the install is at that point */
  reached: (context: { dir: string; cache: string; requestsSince: () => string[] }) => boolean
}

function hasEntry(dir: string, prefix: string): boolean {
  try {
    return fs.readdirSync(dir).some((name) => name.startsWith(prefix))
  } catch {
    return false
  }
}

const POINTS: CrashPoint[] = [
  {
    name: 'during a download',
    arm: () => suite.registry.fault(BETA, { delayMs: 30_000, times: 1 }),
    reached: ({ requestsSince }) => requestsSince().includes(BETA),
  },
  {
    name: 'during extraction into the store',
    reached: ({ cache }) => hasEntry(path.join(cache, 'v1', 'tmp'), ''),
  },
  {
    name: 'while a package is linked into node_modules',
    reached: ({ dir }) => hasEntry(path.join(dir, 'node_modules'), '.skiff-tmp-'),
  },
  {
    // dependency scripts run after the bin links and before the hidden lockfile is written:
    // a postinstall that takes a while holds the install there long enough to be stopped
    name: 'after the bin links, before the hidden lockfile',
    project: {
      packageJson: { ...PACKAGE_JSON, dependencies: { ...PACKAGE_JSON.dependencies, sleeper: '^1.0.0' }, allowScripts: { sleeper: true } },
      locked: [...LOCKED, { name: 'sleeper', version: '1.0.0' }],
    },
    reached: ({ dir }) => fs.existsSync(path.join(dir, 'node_modules', '.bin')),
  },
]

const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const

async function stopAt(point: CrashPoint, dir: string, cache: string, signal: NodeJS.Signals): Promise<{ run: RunningSkiff; stopped: boolean }> {
  const before = suite.registry.requests.length
  point.arm?.()
  const run = startSkiff(dir, ['ci'], { registry: suite.registry.url })
  let ended = false
  void run.exited.then(() => {
    ended = true
  })
  const requestsSince = () => suite.registry.requests.slice(before).map((request) => request.path)
  await waitFor(() => ended || point.reached({ dir, cache, requestsSince }), point.name)
  if (!ended) run.kill(signal)
  return { run, stopped: !ended }
}

/** The tree a clean, uninterrupted install of a project leaves. */
async function cleanTreeOf(project: NonNullable<CrashPoint['project']>): Promise<string[]> {
  await using tmp = tempDir()
  const dir = writeFixtureProject(suite.registry, tmp.path, project)
  const run = await runSkiffFull(dir, ['ci'], { registry: suite.registry.url })
  if (run.code !== 0) throw new Error(`clean install failed: ${run.stderr}`)
  return snapshotNodeModules(dir)
}

describe('crash safety: skiff ci stopped and run again', () => {
  for (const point of POINTS) {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
      test(`${signal} ${point.name}: nothing unsound is left, and the next run equals a clean install`, async () => {
        await using tmp = tempDir()
        const dir = writeFixtureProject(suite.registry, tmp.path, point.project ?? {})
        const cache = path.join(tmp.path, 'cache')
        const cleanTree = point.project ? await cleanTreeOf(point.project) : suite.cleanTree
        try {
          const { run, stopped } = await stopAt(point, dir, cache, signal)
          const result = await run.exited
          expect({ point: point.name, stopped }).toEqual({ point: point.name, stopped: true })
          suite.registry.clearFaults()
          if (signal !== 'SIGKILL') {
            expect(result.signal).toBeNull()
            expect(result.code).toBe(EXIT_CODES[signal])
            expect(result.stderr.trim().split('\n')).toEqual([`error EABORT stopped by ${signal}`])
            expect(await halfMadePackages(dir, suite.registry)).toEqual([])
            expect(await storeProblems(cache, suite.registry, STORED)).toEqual([])
            // a signal that lands while the hidden lockfile is written finds the install complete
            if (fs.existsSync(path.join(dir, 'node_modules/.package-lock.json'))) expect(snapshotNodeModules(dir)).toEqual(cleanTree)
          } else {
            expect(result.signal).toBe('SIGKILL')
            const unsound = (await storeProblems(cache, suite.registry, STORED)).filter((problem) => !problem.startsWith('staging leftover'))
            expect(unsound).toEqual([])
          }

          const again = await runSkiffFull(dir, ['ci'], { registry: suite.registry.url })
          expect(again.stderr).toBe('')
          expect(again.code).toBe(0)
          expect(snapshotNodeModules(dir)).toEqual(cleanTree)
          expect(await storeProblems(cache, suite.registry, STORED)).toEqual([])
        } finally {
          suite.registry.clearFaults()
        }
      }, 30_000)
    }
  }

  test('SIGKILL while an existing install is updated to a new lockfile: the next run equals a clean install of the new lockfile', async () => {
    await using tmp = tempDir()
    const dir = writeFixtureProject(suite.registry, tmp.path)
    const cache = path.join(tmp.path, 'cache')
    expect((await runSkiffFull(dir, ['ci'], { registry: suite.registry.url })).code).toBe(0)

    const next = { ...PACKAGE_JSON, dependencies: { alpha: '^2.0.0', epsilon: '^1.0.0', heavy: '^1.0.0' } }
    const nextLocked = [{ name: 'alpha', version: '2.0.0' }, { name: 'epsilon', version: '1.0.0' }, { name: 'heavy', version: '1.0.0' }]
    const nextLock = `${JSON.stringify(lockfileFor(suite.registry, next, nextLocked), null, 2)}\n`
    fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(next, null, 2)}\n`)
    fs.writeFileSync(path.join(dir, 'package-lock.json'), nextLock)
    // epsilon is the one new download: hold it back, so the removals are done when the kill comes
    const EPSILON = '/epsilon/-/epsilon-1.0.0.tgz'
    suite.registry.fault(EPSILON, { delayMs: 30_000, times: 1 })
    try {
      const before = suite.registry.requests.length
      const run = startSkiff(dir, ['ci'], { registry: suite.registry.url })
      await waitFor(() => suite.registry.requests.slice(before).some((request) => request.path === EPSILON), 'the epsilon download')
      run.kill('SIGKILL')
      await run.exited
    } finally {
      suite.registry.clearFaults()
    }

    const again = await runSkiffFull(dir, ['ci'], { registry: suite.registry.url })
    expect(again.code).toBe(0)
    await using clean = tempDir()
    const cleanDir = writeFixtureProject(suite.registry, clean.path, { packageJson: next, locked: nextLocked })
    expect((await runSkiffFull(cleanDir, ['ci'], { registry: suite.registry.url })).code).toBe(0)
    expect(snapshotNodeModules(dir)).toEqual(snapshotNodeModules(cleanDir))
    expect(await storeProblems(cache, suite.registry, STORED)).toEqual([])
  }, 30_000)

  test('a hidden lockfile cut short by a crash mid-write, and the write\'s temp file, are not trusted: the next run equals a clean install', async () => {
    await using tmp = tempDir()
    const dir = writeFixtureProject(suite.registry, tmp.path)
    expect((await runSkiffFull(dir, ['ci'], { registry: suite.registry.url })).code).toBe(0)
    const hidden = path.join(dir, 'node_modules/.package-lock.json')
    const text = fs.readFileSync(hidden, 'utf8')
    // what a non-atomic write stopped halfway would leave, and the temp file of an atomic one
    fs.writeFileSync(hidden, text.slice(0, Math.floor(text.length / 2)))
    fs.writeFileSync(path.join(dir, `node_modules/.package-lock.json.999999.deadbeef.tmp`), text.slice(0, 100))
    fs.rmSync(path.join(dir, 'node_modules/heavy/lib/part-3'), { recursive: true })
    const again = await runSkiffFull(dir, ['ci'], { registry: suite.registry.url })
    expect(again.code).toBe(0)
    expect(snapshotNodeModules(dir)).toEqual(suite.cleanTree)
  })
})

