/**
 * Messages a CI log can trust: ETARGET names the newest release of each major (not every
 * canary), a capitalised name gets npm's reason, `run -s` prints the script's output only.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import path from 'node:path'
import { runSkiff, tempDir } from '../helpers/index.ts'
import { createTestRegistry, writeProject, type TestRegistry } from '../registry/index.ts'

let registry: TestRegistry

beforeAll(async () => {
  const canaries = Array.from({ length: 30 }, (_, index) => ({ name: 'reactish', version: `19.3.0-canary-${index}`, distTags: index === 29 ? ['canary'] : [] }))
  registry = await createTestRegistry({
    packages: [
      ...['15.7.0', '16.14.0', '17.0.2', '18.3.1', '19.3.1'].map((version) => ({ name: 'reactish', version })),
      ...canaries,
    ],
  })
})

afterAll(async () => {
  await registry.close()
})

const app = (dir: string, scripts: Record<string, string> = {}) => writeProject(path.join(dir, 'app'), { packageJson: { name: 'app', version: '1.0.0', scripts } })

describe('registry errors', () => {
  test('ETARGET lists the newest release of each major, latest marked, and how many versions there are', async () => {
    await using tmp = tempDir()
    const run = await runSkiff(app(tmp.path), ['install', 'reactish@^99'], { registry: registry.url })
    expect(run.code).toBe(1)
    expect(run.stderr.split('\n').slice(0, 2)).toEqual([
      'error ETARGET No matching version found for reactish@^99 (required by app@1.0.0).',
      '  newest of each major: 19.3.1 (latest), 18.3.1, 17.0.2, 16.14.0, 15.7.0, of 35 versions',
    ])
    expect(run.stderr).not.toContain('canary')
  })

  test("a capitalised name that is not found gets npm's reason and the lower-case name", async () => {
    await using tmp = tempDir()
    const run = await runSkiff(app(tmp.path), ['install', 'Reactish'], { registry: registry.url })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain([
      `error E404 Reactish: not found in the registry ${registry.url} (404 for ${registry.url}Reactish)`,
      '  This package name is not valid, because',
      '    1. name can no longer contain capital letters',
    ].join('\n'))
    expect(run.stderr).toContain('  hint: package names are lower case now: did you mean reactish?')
  })
})

describe('skiff run -s', () => {
  test.each([[['run', '-s', 'hello']], [['run', 'hello', '-s']], [['-s', 'run', 'hello']], [['run', '--silent', 'hello']]])('%j prints the script output only', async (args) => {
    await using tmp = tempDir()
    const run = await runSkiff(app(tmp.path, { hello: 'echo hi' }), args)
    expect(run).toEqual({ code: 0, stdout: 'hi\n', stderr: '' })
  })

  test('a failing script under -s keeps its exit code and adds nothing of its own', async () => {
    await using tmp = tempDir()
    const dir = app(tmp.path, { lint: 'echo broken >&2; exit 3' })
    expect(await runSkiff(dir, ['run', '-s', 'lint'])).toEqual({ code: 3, stdout: '', stderr: 'broken\n' })
    const missing = await runSkiff(dir, ['test', '-s'])
    expect(missing).toEqual({ code: 1, stdout: '', stderr: '' })
  })
})
