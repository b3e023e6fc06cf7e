import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import path from 'node:path'
import { createTestRegistry, lockfileFor, writeProject, type LockedPackage, type TestRegistry } from '../registry/index.ts'
import { runSkiff, tempDir } from '../helpers/index.ts'

let registry: TestRegistry

beforeAll(async () => {
  registry = await createTestRegistry({
    packages: [
      { name: 'left', version: '1.0.0' },
      { name: 'left', version: '2.0.0' },
      { name: 'tool', version: '1.0.0', dependencies: { left: '^2.0.0' }, optionalDependencies: { extra: '^1.0.0' } },
      { name: 'extra', version: '1.0.0' },
      { name: 'devonly', version: '0.1.0', dependencies: { extra: '1' } },
    ],
  })
})

afterAll(async () => {
  await registry.close()
})

const packageJson = { name: 'app', version: '1.0.0', dependencies: { left: '^1.0.0', tool: '^1.0.0' }, devDependencies: { devonly: '^0.1.0' } }

const locked: LockedPackage[] = [
  { name: 'left', version: '1.0.0' },
  { name: 'tool', version: '1.0.0' },
  { name: 'left', version: '2.0.0', location: 'node_modules/tool/node_modules/left' },
  { name: 'extra', version: '1.0.0', devOptional: true },
  { name: 'devonly', version: '0.1.0', dev: true },
]

async function installedProject(dir: string): Promise<string> {
  const project = writeProject(path.join(dir, 'project'), { packageJson, lockfile: lockfileFor(registry, packageJson, locked) })
  expect((await runSkiff(project, ['ci'], { registry: registry.url })).code).toBe(0)
  return project
}

describe('skiff why', () => {
  test('explains every installed copy of a package, with the spec at each step', async () => {
    await using tmp = tempDir()
    const dir = await installedProject(tmp.path)
    const run = await runSkiff(dir, ['why', 'left'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toBe(`left@1.0.0
node_modules/left
  left@"^1.0.0" from the root project

left@2.0.0
node_modules/tool/node_modules/left
  left@"^2.0.0" from tool@1.0.0
  node_modules/tool
    tool@"^1.0.0" from the root project
`)
  })

  test('explain is the same command; dependency types are named, the root project last', async () => {
    await using tmp = tempDir()
    const dir = await installedProject(tmp.path)
    const run = await runSkiff(dir, ['explain', 'extra'])
    expect(run.code).toBe(0)
    expect(run.stdout).toBe(`extra@1.0.0
node_modules/extra
  extra@"1" from devonly@0.1.0
  node_modules/devonly
    dev devonly@"^0.1.0" from the root project
  optional extra@"^1.0.0" from tool@1.0.0
  node_modules/tool
    tool@"^1.0.0" from the root project
`)
  })

  test('a location or name@range picks one copy; --json prints the explanation objects', async () => {
    await using tmp = tempDir()
    const dir = await installedProject(tmp.path)
    const byLocation = await runSkiff(dir, ['why', 'node_modules/tool/node_modules/left', '--json'])
    const byRange = await runSkiff(dir, ['why', 'left@2', '--json'])
    expect(byLocation.stdout).toBe(byRange.stdout)
    expect(JSON.parse(byRange.stdout)).toEqual([
      {
        name: 'left',
        version: '2.0.0',
        location: 'node_modules/tool/node_modules/left',
        isWorkspace: false,
        dependents: [
          {
            type: 'prod',
            name: 'left',
            spec: '^2.0.0',
            from: {
              name: 'tool',
              version: '1.0.0',
              location: 'node_modules/tool',
              isWorkspace: false,
              dependents: [{ type: 'prod', name: 'tool', spec: '^1.0.0', from: { location: dir } }],
            },
          },
        ],
        dev: false,
        optional: false,
        devOptional: false,
        peer: false,
        bundled: false,
        overridden: false,
      },
    ])
  })

  test('nothing installed by that name is ENOMATCH naming it; no name is EUSAGE', async () => {
    await using tmp = tempDir()
    const dir = await installedProject(tmp.path)
    const run = await runSkiff(dir, ['why', 'nothing'])
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain('ENOMATCH No dependencies found matching nothing')
    const usage = await runSkiff(dir, ['why'])
    expect(usage.code).toBe(1)
    expect(usage.stderr).toContain('EUSAGE')
  })
})
