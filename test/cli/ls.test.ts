import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { createTestRegistry, lockfileFor, writeProject, type LockedPackage, type TestRegistry } from '../registry/index.ts'
import { runSkiff, tempDir } from '../helpers/index.ts'

let registry: TestRegistry

beforeAll(async () => {
  registry = await createTestRegistry({
    packages: [
      { name: 'left', version: '1.0.0', description: 'the left package' },
      { name: 'left', version: '2.0.0' },
      { name: 'tool', version: '1.0.0', dependencies: { left: '^2.0.0' } },
      { name: '@scope/util', version: '1.2.3' },
      { name: 'devonly', version: '0.1.0' },
    ],
  })
})

afterAll(async () => {
  await registry.close()
})

const packageJson = {
  name: 'app',
  version: '1.0.0',
  dependencies: { left: '^1.0.0', tool: '^1.0.0', '@scope/util': '^1.2.0' },
  devDependencies: { devonly: '^0.1.0' },
}

const locked: LockedPackage[] = [
  { name: 'left', version: '1.0.0' },
  { name: 'tool', version: '1.0.0' },
  { name: 'left', version: '2.0.0', location: 'node_modules/tool/node_modules/left' },
  { name: '@scope/util', version: '1.2.3' },
  { name: 'devonly', version: '0.1.0', dev: true },
]

const utf8 = { env: { LANG: 'C.UTF-8', LC_ALL: undefined, LC_CTYPE: undefined } }

async function installedProject(dir: string): Promise<string> {
  const project = writeProject(path.join(dir, 'project'), { packageJson, lockfile: lockfileFor(registry, packageJson, locked) })
  const run = await runSkiff(project, ['ci'], { registry: registry.url })
  expect(run.code).toBe(0)
  return project
}

describe('skiff ls', () => {
  test('lists the direct dependencies of an installed project, with exit code 0', async () => {
    await using tmp = tempDir()
    const dir = await installedProject(tmp.path)
    const run = await runSkiff(dir, ['ls'], { registry: registry.url, ...utf8 })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toBe(`app@1.0.0 ${dir}
├── @scope/util@1.2.3
├── devonly@0.1.0
├── left@1.0.0
└── tool@1.0.0

`)
  })

  test('--all draws the nested packages; list and -a are the same command', async () => {
    await using tmp = tempDir()
    const dir = await installedProject(tmp.path)
    const expected = `app@1.0.0 ${dir}
├── @scope/util@1.2.3
├── devonly@0.1.0
├── left@1.0.0
└─┬ tool@1.0.0
  └── left@2.0.0

`
    expect((await runSkiff(dir, ['ls', '--all'], utf8)).stdout).toBe(expected)
    expect((await runSkiff(dir, ['list', '-a'], utf8)).stdout).toBe(expected)
    expect((await runSkiff(dir, ['ls', '--all', '--no-unicode'], utf8)).stdout).toBe(`app@1.0.0 ${dir}
+-- @scope/util@1.2.3
+-- devonly@0.1.0
+-- left@1.0.0
\`-- tool@1.0.0
  \`-- left@2.0.0

`)
  })

  test('--json prints npm\'s document, with where each package was resolved from the hidden lockfile', async () => {
    await using tmp = tempDir()
    const dir = await installedProject(tmp.path)
    const run = await runSkiff(dir, ['ls', '--json', '--omit', 'dev', '--depth', '1'])
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual({
      version: '1.0.0',
      name: 'app',
      dependencies: {
        '@scope/util': { version: '1.2.3', resolved: registry.tarballUrl('@scope/util', '1.2.3'), overridden: false },
        left: { version: '1.0.0', resolved: registry.tarballUrl('left', '1.0.0'), overridden: false },
        tool: {
          version: '1.0.0',
          resolved: registry.tarballUrl('tool', '1.0.0'),
          overridden: false,
          dependencies: { left: { version: '2.0.0', resolved: registry.tarballUrl('left', '2.0.0'), overridden: false } },
        },
      },
    })
  })

  test('--parseable lists the folders; ll adds the descriptions read from package.json', async () => {
    await using tmp = tempDir()
    const dir = await installedProject(tmp.path)
    const parseable = await runSkiff(dir, ['ls', '--parseable'])
    expect(parseable.stdout).toBe([dir, ...['@scope/util', 'devonly', 'left', 'tool'].map((name) => path.join(dir, 'node_modules', name))].join('\n') + '\n')
    // a folder newer than the hidden lockfile: node_modules is read, descriptions with it
    fs.rmSync(path.join(dir, 'node_modules/devonly'), { recursive: true })
    const long = await runSkiff(dir, ['ll', '--omit=dev'], utf8)
    expect(long.stdout).toBe(`app@1.0.0
│ ${dir}
│ 
├── @scope/util@1.2.3
│   
├── left@1.0.0
│   the left package
└── tool@1.0.0
    

`)
  })

  test('a removed package is UNMET, an unexpected one extraneous; the exit code is 1 and the problems are listed', async () => {
    await using tmp = tempDir()
    const dir = await installedProject(tmp.path)
    fs.rmSync(path.join(dir, 'node_modules/left'), { recursive: true })
    fs.mkdirSync(path.join(dir, 'node_modules/stray'))
    fs.writeFileSync(path.join(dir, 'node_modules/stray/package.json'), '{"name":"stray","version":"0.0.1"}')
    const run = await runSkiff(dir, ['ls'], utf8)
    expect(run.code).toBe(1)
    expect(run.stdout).toBe(`app@1.0.0 ${dir}
├── @scope/util@1.2.3
├── devonly@0.1.0
├── UNMET DEPENDENCY left@^1.0.0
├── stray@0.0.1 extraneous
└── tool@1.0.0

`)
    expect(run.stderr).toContain('ELSPROBLEMS missing: left@^1.0.0, required by app@1.0.0')
    expect(run.stderr).toContain(`extraneous: stray@0.0.1 ${path.join(dir, 'node_modules/stray')}`)
  })

  test('only extraneous packages is not a failure', async () => {
    await using tmp = tempDir()
    const dir = await installedProject(tmp.path)
    fs.mkdirSync(path.join(dir, 'node_modules/stray'))
    fs.writeFileSync(path.join(dir, 'node_modules/stray/package.json'), '{"name":"stray","version":"0.0.1"}')
    const run = await runSkiff(dir, ['ls', '--json'])
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout).problems).toEqual([`extraneous: stray@0.0.1 ${path.join(dir, 'node_modules/stray')}`])
  })

  test('without node_modules every dependency is UNMET, and --json carries the error', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'project'), { packageJson })
    const run = await runSkiff(dir, ['ls'], utf8)
    expect(run.code).toBe(1)
    expect(run.stdout).toBe(`app@1.0.0 ${dir}
├── UNMET DEPENDENCY @scope/util@^1.2.0
├── UNMET DEPENDENCY devonly@^0.1.0
├── UNMET DEPENDENCY left@^1.0.0
└── UNMET DEPENDENCY tool@^1.0.0

`)
    const json = await runSkiff(dir, ['ls', '--json'])
    expect(json.code).toBe(1)
    const document = JSON.parse(json.stdout)
    expect(document.dependencies['@scope/util']).toEqual({ required: '^1.2.0', missing: true, problems: ['missing: @scope/util@^1.2.0, required by app@1.0.0'] })
    expect(document.dependencies.left).toEqual({ missing: true, problems: ['missing: left@^1.0.0, required by app@1.0.0'] })
    expect(document.error.code).toBe('ELSPROBLEMS')
  })

  test('a package filter shows the paths to it; one that matches nothing exits 1', async () => {
    await using tmp = tempDir()
    const dir = await installedProject(tmp.path)
    const run = await runSkiff(dir, ['ls', 'left@2'], utf8)
    expect(run.code).toBe(0)
    expect(run.stdout).toBe(`app@1.0.0 ${dir}
└─┬ tool@1.0.0
  └── left@2.0.0

`)
    const none = await runSkiff(dir, ['ls', 'nothing'], utf8)
    expect(none.code).toBe(1)
    expect(none.stdout).toBe(`app@1.0.0 ${dir}\n└── (empty)\n\n`)
  })
})
