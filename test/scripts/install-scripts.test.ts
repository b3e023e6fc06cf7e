import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { runSkiff, tempDir } from '../helpers/index.ts'
import { createTestRegistry, lockfileFor, writeProject, type TestRegistry } from '../registry/index.ts'

const record = 'echo "$npm_package_name:$npm_lifecycle_event:$npm_command" >> "$ORDER_FILE"'

let registry: TestRegistry

beforeAll(async () => {
  registry = await createTestRegistry({
    packages: [
      { name: 'canvas', version: '2.0.0', scripts: { install: record } },
      { name: '@img/sharp', version: '0.34.1', scripts: { postinstall: record } },
      { name: 'plain', version: '1.0.0' },
    ],
  })
})

afterAll(async () => {
  await registry.close()
})

/** An installed project whose package.json is written with tabs and CRLF line ends. */
async function installed(dir: string, allowScripts?: Record<string, boolean>): Promise<string> {
  const packageJson = {
    name: 'app',
    version: '1.0.0',
    dependencies: { '@img/sharp': '0.34.1', canvas: '2.0.0', plain: '1.0.0' },
    ...(allowScripts ? { allowScripts } : {}),
    license: 'MIT',
  }
  const projectDir = writeProject(path.join(dir, 'project'), {
    packageJson,
    lockfile: lockfileFor(registry, packageJson, [
      { name: '@img/sharp', version: '0.34.1' },
      { name: 'canvas', version: '2.0.0' },
      { name: 'plain', version: '1.0.0' },
    ]),
  })
  fs.writeFileSync(path.join(projectDir, 'package.json'), `${JSON.stringify(packageJson, null, '\t')}\n`.replace(/\n/g, '\r\n'))
  const ci = await runSkiff(projectDir, ['ci'], { registry: registry.url, env: { ORDER_FILE: path.join(dir, 'ci-order') } })
  expect(ci.code).toBe(0)
  return projectDir
}

const readText = (dir: string) => fs.readFileSync(path.join(dir, 'package.json'), 'utf8')

describe('skiff install-scripts', () => {
  test('ls lists the packages whose install scripts no allowScripts entry covers', async () => {
    await using tmp = tempDir()
    const dir = await installed(tmp.path, { canvas: true })
    const run = await runSkiff(dir, ['install-scripts', 'ls'])
    expect(run.code).toBe(0)
    expect(run.stdout).toBe([
      '1 package has install scripts not yet covered by allowScripts:',
      `  @img/sharp@0.34.1 (postinstall: ${record})`,
      '',
      'Run `skiff install-scripts approve <pkg>` to allow, or `skiff install-scripts deny <pkg>` to deny.',
      '',
    ].join('\n'))
  })

  test('approve pins the installed version and keeps the file’s tabs, CRLF and key order', async () => {
    await using tmp = tempDir()
    const dir = await installed(tmp.path)
    const run = await runSkiff(dir, ['install-scripts', 'approve', '@img/sharp', 'canvas'])
    expect(run.stdout).toBe('Approved @img/sharp:\n  added @img/sharp@0.34.1\nApproved canvas:\n  added canvas@2.0.0\n')
    expect(readText(dir)).toBe(
      `${JSON.stringify({
        name: 'app',
        version: '1.0.0',
        dependencies: { '@img/sharp': '0.34.1', canvas: '2.0.0', plain: '1.0.0' },
        license: 'MIT',
        allowScripts: { '@img/sharp@0.34.1': true, 'canvas@2.0.0': true },
      }, null, '\t')}\n`.replace(/\n/g, '\r\n'),
    )
    expect((await runSkiff(dir, ['install-scripts', 'ls'])).stdout).toBe('No packages with unreviewed install scripts.\n')
  })

  test('approve --no-allow-scripts-pin writes the name; deny writes false and wins over a later approve', async () => {
    await using tmp = tempDir()
    const dir = await installed(tmp.path, { canvas: true })
    expect((await runSkiff(dir, ['approve-scripts', '--all', '--no-allow-scripts-pin'])).stdout).toBe('Approved @img/sharp:\n  added @img/sharp\n')
    expect((await runSkiff(dir, ['install-scripts', 'deny', 'canvas'])).code).toBe(0)
    expect(JSON.parse(readText(dir)).allowScripts).toEqual({ canvas: false, '@img/sharp': true })
    const again = await runSkiff(dir, ['install-scripts', 'approve', 'canvas'])
    expect(again.stdout).toBe('Nothing to approve; allowScripts unchanged.\n')
    expect(again.stderr).toContain('canvas is denied; remove the entry from allowScripts to approve canvas.')
  })

  test('approve of a package that is not installed is ENOMATCH', async () => {
    await using tmp = tempDir()
    const dir = await installed(tmp.path)
    const run = await runSkiff(dir, ['install-scripts', 'approve', 'left-pad'])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('ENOMATCH No installed packages match: left-pad')
  })

  test('prune drops entries for packages gone or without scripts; --dry-run only says so', async () => {
    await using tmp = tempDir()
    const dir = await installed(tmp.path, { canvas: true, plain: true, 'left-pad': false })
    const dry = await runSkiff(dir, ['install-scripts', 'prune', '--dry-run'])
    expect(dry.stdout).toBe('Would remove 2 unused allowScripts entries:\n  plain (no install scripts)\n  left-pad (package not installed)\n')
    expect(JSON.parse(readText(dir)).allowScripts).toEqual({ canvas: true, plain: true, 'left-pad': false })
    expect((await runSkiff(dir, ['install-scripts', 'prune'])).code).toBe(0)
    expect(JSON.parse(readText(dir)).allowScripts).toEqual({ canvas: true })
  })
})

describe('skiff rebuild', () => {
  test('runs the install scripts of allowed packages again, all or the ones named', async () => {
    await using tmp = tempDir()
    const dir = await installed(tmp.path, { canvas: true, '@img/sharp': true })
    const orderFile = path.join(tmp.path, 'order')
    const all = await runSkiff(dir, ['rebuild'], { env: { ORDER_FILE: orderFile } })
    expect(all.code).toBe(0)
    expect(all.stdout).toBe('rebuilt dependencies successfully\n')
    expect(fs.readFileSync(orderFile, 'utf8')).toBe('canvas:install:rebuild\n@img/sharp:postinstall:rebuild\n')
    fs.rmSync(orderFile)
    expect((await runSkiff(dir, ['rb', 'canvas@2'], { env: { ORDER_FILE: orderFile } })).code).toBe(0)
    expect(fs.readFileSync(orderFile, 'utf8')).toBe('canvas:install:rebuild\n')
  })

  test('leaves unreviewed packages alone and says so', async () => {
    await using tmp = tempDir()
    const dir = await installed(tmp.path, { canvas: true })
    const orderFile = path.join(tmp.path, 'order')
    const run = await runSkiff(dir, ['rebuild'], { env: { ORDER_FILE: orderFile } })
    expect(run.code).toBe(0)
    expect(run.stderr).toContain(`warn 1 package has install scripts not yet covered by allowScripts:\n  @img/sharp@0.34.1 (postinstall: ${record})\n\nThey were not run. Run \`skiff install-scripts ls\` to review`)
    expect(fs.readFileSync(orderFile, 'utf8')).toBe('canvas:install:rebuild\n')
  })
})
