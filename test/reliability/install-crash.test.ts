/**
 * Crash safety of `skiff install <pkg>` in an installed project: stopped while resolving, while
 * downloading, and once package.json has been rewritten (package-lock.json comes right after).
 * Whatever the point, package.json and package-lock.json are each the old or the new file,
 * never half of one; running the same command again ends where an uninterrupted run ends.
 */
import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { fixtureSuite, runSkiffFull, snapshotNodeModules, startSkiff, storeProblems, tempDir, waitFor, writeFixtureProject } from './fixture.ts'

const suite = fixtureSuite()
const COMMAND = ['install', 'epsilon@^1.0.0']
const FILES = ['package.json', 'package-lock.json']

interface Reference {
  old: Record<string, string>
  new: Record<string, string>
  tree: string[]
}

function readFiles(dir: string): Record<string, string> {
  return Object.fromEntries(FILES.map((file) => [file, fs.readFileSync(path.join(dir, file), 'utf8')]))
}

/** An installed fixture project, and what `skiff install epsilon` makes of it when nothing stops it. */
async function installedProject(base: string): Promise<string> {
  const dir = writeFixtureProject(suite.registry, base)
  const run = await runSkiffFull(dir, ['ci'], { registry: suite.registry.url })
  if (run.code !== 0) throw new Error(run.stderr)
  return dir
}

let reference: Reference | undefined

async function referenceRun(): Promise<Reference> {
  if (reference) return reference
  await using tmp = tempDir()
  const dir = await installedProject(tmp.path)
  const old = readFiles(dir)
  const run = await runSkiffFull(dir, COMMAND, { registry: suite.registry.url })
  if (run.code !== 0) throw new Error(run.stderr)
  reference = { old, new: readFiles(dir), tree: snapshotNodeModules(dir) }
  return reference
}

const POINTS: Array<{ name: string; path?: string; reached?: (dir: string, old: Record<string, string>) => boolean }> = [
  { name: 'while resolving (the packument is held back)', path: '/epsilon' },
  { name: 'while downloading (the tarball is held back)', path: '/epsilon/-/epsilon-1.0.0.tgz' },
  { name: 'once package.json is rewritten', reached: (dir, old) => fs.readFileSync(path.join(dir, 'package.json'), 'utf8') !== old['package.json'] },
]

describe('crash safety: skiff install stopped and run again', () => {
  for (const point of POINTS) {
    for (const signal of point.path ? (['SIGINT', 'SIGKILL'] as const) : (['SIGKILL'] as const)) {
      test(`${signal} ${point.name}: package.json and package-lock.json are each old or new, and the command run again ends as an uninterrupted run`, async () => {
        const expected = await referenceRun()
        await using tmp = tempDir()
        const dir = await installedProject(tmp.path)
        if (point.path) suite.registry.fault(point.path, { delayMs: 30_000, times: 1 })
        try {
          const before = suite.registry.requests.length
          const run = startSkiff(dir, COMMAND, { registry: suite.registry.url })
          let ended = false
          void run.exited.then(() => {
            ended = true
          })
          const reached = point.path
            ? () => suite.registry.requests.slice(before).some((request) => request.path === point.path)
            : () => point.reached?.(dir, expected.old) === true
          await waitFor(() => ended || reached(), point.name)
          expect({ point: point.name, ended }).toEqual({ point: point.name, ended: false })
          run.kill(signal)
          const result = await run.exited
          if (signal === 'SIGINT') {
            expect(result.code).toBe(130)
            expect(readFiles(dir)).toEqual(expected.old)
          }
        } finally {
          suite.registry.clearFaults()
        }
        const files = readFiles(dir)
        for (const file of FILES) expect([expected.old[file], expected.new[file]]).toContain(files[file])

        const again = await runSkiffFull(dir, COMMAND, { registry: suite.registry.url })
        expect(again.code).toBe(0)
        expect(readFiles(dir)).toEqual(expected.new)
        expect(snapshotNodeModules(dir)).toEqual(expected.tree)
        expect(await storeProblems(path.join(tmp.path, 'cache'), suite.registry)).toEqual([])
      }, 30_000)
    }
  }
})
