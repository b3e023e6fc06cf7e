import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import path from 'node:path'
import { createTestRegistry, writeProject, type TestRegistry } from '../registry/index.ts'
import { runSkiff, tempDir } from '../helpers/index.ts'

let registry: TestRegistry

beforeAll(async () => {
  registry = await createTestRegistry({
    packages: [
      { name: 'base', version: '1.0.0', license: 'MIT', description: 'the base package', time: '2020-01-01T00:00:00.000Z' },
      { name: 'base', version: '1.1.0', license: 'MIT', description: 'the base package', time: '2020-02-01T00:00:00.000Z', distTags: ['stable'] },
      {
        name: 'base',
        version: '2.0.0',
        license: 'MIT',
        description: 'the base package',
        homepage: 'https://base.example',
        dependencies: { helper: '^3.0.0' },
        bin: { base: 'cli.js' },
        time: '2020-03-01T00:00:00.000Z',
      },
      { name: '@scope/util', version: '1.2.3' },
    ],
  })
})

afterAll(async () => {
  await registry.close()
})

describe('skiff view', () => {
  test('without fields: npm\'s summary of the latest version', async () => {
    await using tmp = tempDir()
    const run = await runSkiff(tmp.path, ['view', 'base'], { registry: registry.url, env: { LANG: 'C.UTF-8' } })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toBe(`
base@2.0.0 | MIT | deps: 1 | versions: 3
the base package
https://base.example

bin: base

dist
.tarball: ${registry.tarballUrl('base', '2.0.0')}
.shasum: ${registry.shasum('base', '2.0.0')}
.integrity: ${registry.integrity('base', '2.0.0')}

dependencies:
helper: ^3.0.0

dist-tags:
latest: 2.0.0
stable: 1.1.0

published over a year ago
`)
  })

  test('fields: a string raw, an object inspected, several versions named; info, show and v are the same command', async () => {
    await using tmp = tempDir()
    const options = { registry: registry.url }
    expect((await runSkiff(tmp.path, ['view', 'base@1', 'version'], options)).stdout).toBe("base@1.0.0 '1.0.0'\nbase@1.1.0 '1.1.0'\n")
    expect((await runSkiff(tmp.path, ['info', 'base', 'dist-tags'], options)).stdout).toBe("{ latest: '2.0.0', stable: '1.1.0' }\n")
    expect((await runSkiff(tmp.path, ['show', 'base@stable', 'version'], options)).stdout).toBe('1.1.0\n')
    expect((await runSkiff(tmp.path, ['v', '@scope/util', 'dist.tarball'], options)).stdout).toBe(`${registry.tarballUrl('@scope/util', '1.2.3')}\n`)
    expect((await runSkiff(tmp.path, ['view', 'base', 'versions', '--json'], options)).stdout).toBe('[\n  "1.0.0",\n  "1.1.0",\n  "2.0.0"\n]\n')
  })

  test('--json without fields prints the document overlaid with the version', async () => {
    await using tmp = tempDir()
    const run = await runSkiff(tmp.path, ['view', 'base@1.0.0', '--json'], { registry: registry.url })
    expect(run.code).toBe(0)
    const json = JSON.parse(run.stdout)
    expect(json).toMatchObject({ _id: 'base@1.0.0', name: 'base', version: '1.0.0', versions: ['1.0.0', '1.1.0', '2.0.0'], 'dist-tags': { latest: '2.0.0', stable: '1.1.0' } })
    expect(json.dist.tarball).toBe(registry.tarballUrl('base', '1.0.0'))
  })

  test('. is the project in the current folder', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'project'), { packageJson: { name: 'base', version: '0.0.1' } })
    expect((await runSkiff(dir, ['view', '.@1.1.0', 'version'], { registry: registry.url })).stdout).toBe('1.1.0\n')
  })

  test('a package the registry does not have is E404 naming it; a version it does not have is E404 naming the version', async () => {
    await using tmp = tempDir()
    const missing = await runSkiff(tmp.path, ['view', 'no-such-package'], { registry: registry.url })
    expect(missing.code).toBe(1)
    expect(missing.stdout).toBe('')
    expect(missing.stderr).toContain('E404 no-such-package')
    const version = await runSkiff(tmp.path, ['view', 'base@9'], { registry: registry.url })
    expect(version.code).toBe(1)
    expect(version.stderr).toContain('E404 No match found for version 9')
  })
})
