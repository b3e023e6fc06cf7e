import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { createTestRegistry, type TestRegistry } from '../registry/index.ts'
import { runSkiff, tempDir } from '../helpers/index.ts'

let registry: TestRegistry

beforeAll(async () => {
  registry = await createTestRegistry({ packages: [] })
})

afterAll(async () => {
  await registry.close()
})

describe('a folder without package.json', () => {
  const commands = [['install'], ['uninstall', 'x'], ['update'], ['dedupe'], ['run', 'build'], ['test'], ['view'], ['rebuild'], ['install-scripts', 'ls']]
  for (const args of commands) {
    test(`skiff ${args.join(' ')} fails with one ENOPACKAGEJSON line naming the file and writes nothing`, async () => {
      await using tmp = tempDir()
      const dir = path.join(tmp.path, 'empty')
      fs.mkdirSync(dir)
      const run = await runSkiff(dir, args, { registry: registry.url })
      expect(run.code).toBe(1)
      expect(run.stderr.split('\n')[0]).toBe(`error ENOPACKAGEJSON could not read package.json: ${path.join(dir, 'package.json')} does not exist`)
      expect(run.stderr).not.toContain('EINTERNAL')
      expect(fs.readdirSync(dir)).toEqual([])
    })
  }

  test('skiff ci asks for the lockfile first, as npm ci does', async () => {
    await using tmp = tempDir()
    const run = await runSkiff(tmp.path, ['ci'], { registry: registry.url })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('ENOLOCK')
  })
})
