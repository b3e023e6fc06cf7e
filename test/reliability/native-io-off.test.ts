/**
 * The crash, fault, concurrency, hostile-tarball and store-check tests again, with native-io off
 * in every skiff they start: extraction, linking and the store checks through node:fs alone, the
 * path taken where bun:ffi or its compiler is not available. They run in a `bun test` of their
 * own, as the same files cannot be loaded twice in one test process.
 */
import { describe, expect, test } from 'bun:test'
import path from 'node:path'
import { hermeticEnv, runSkiff, tempDir } from '../helpers/index.ts'

const FILES = ['crash', 'faults', 'concurrency', 'hostile-tarballs', 'store-check'].map((name) => `test/reliability/${name}.test.ts`)
const repoRoot = path.resolve(import.meta.dir, '../..')

describe('reliability with native-io off', () => {
  test('a skiff started by the tests gets native-io off when SKIFF_TEST_NATIVE_IO=false', async () => {
    await using tmp = tempDir()
    const dir = path.join(tmp.path, 'project')
    process.env.SKIFF_TEST_NATIVE_IO = 'false'
    try {
      expect(hermeticEnv(dir).npm_config_native_io).toBe('false')
      expect((await runSkiff(tmp.path, ['config', 'get', 'native-io'])).stdout.trim()).toBe('false')
    } finally {
      delete process.env.SKIFF_TEST_NATIVE_IO
    }
    expect(hermeticEnv(dir).npm_config_native_io).toBeUndefined()
  })

  test(
    'the crash, fault, concurrency, hostile-tarball and store-check tests pass through node:fs alone',
    async () => {
      const child = Bun.spawn([process.execPath, 'test', '--timeout', '60000', ...FILES], {
        cwd: repoRoot,
        env: { ...process.env, SKIFF_TEST_NATIVE_IO: 'false' },
        stdout: 'pipe',
        stderr: 'pipe',
      })
      const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
      const report = `${stdout}\n${stderr}`
      const passed = Number(/^\s*(\d+) pass$/m.exec(report)?.[1] ?? 0)
      const failed = Number(/^\s*(\d+) fail$/m.exec(report)?.[1] ?? -1)
      if (code !== 0 || failed !== 0) console.log(report.split('\n').filter((line) => line.startsWith('(fail)') || line.startsWith('error')).join('\n'))
      expect(failed).toBe(0)
      expect(code).toBe(0)
      // every test of the five files ran, not a file that failed to load
      expect(passed).toBeGreaterThanOrEqual(50)
    },
    900_000,
  )
})
