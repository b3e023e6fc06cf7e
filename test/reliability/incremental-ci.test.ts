/**
 * An incremental `skiff ci` (node_modules holds a previous install whose hidden lockfile still
 * matches the disk) promises what a clean install makes: a file added, removed or changed inside
 * a package since that install is noticed, and that package alone is made again; with nothing
 * changed, nothing is made again.
 */
import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { fixtureSuite, runSkiffFull, snapshotNodeModules, tempDir, writeFixtureProject } from './fixture.ts'

const BUILDS = {
  name: 'builds',
  version: '1.0.0',
  // an install script that writes into its own package folder, as native builds do
  scripts: { postinstall: 'echo built > build.txt' },
  files: { 'index.js': 'module.exports = "builds"\n' },
}
const suite = fixtureSuite([BUILDS])

/** The fixture project, installed once. */
async function installed(base: string): Promise<string> {
  const dir = writeFixtureProject(suite.registry, base)
  const run = await runSkiffFull(dir, ['ci'], { registry: suite.registry.url })
  expect(run.code).toBe(0)
  return dir
}

function inode(file: string): number {
  return fs.statSync(file).ino
}

async function ciAgain(dir: string): Promise<string> {
  const run = await runSkiffFull(dir, ['ci'], { registry: suite.registry.url })
  expect(run.stderr).not.toContain('error')
  expect(run.code).toBe(0)
  return run.stdout
}

describe('incremental ci: files changed inside packages', () => {
  test('nothing changed: nothing is made again', async () => {
    await using tmp = tempDir()
    const dir = await installed(tmp.path)
    const heavyFolder = inode(path.join(dir, 'node_modules/heavy'))
    const hidden = fs.statSync(path.join(dir, 'node_modules/.package-lock.json'))
    expect(await ciAgain(dir)).toStartWith('up to date')
    expect(inode(path.join(dir, 'node_modules/heavy'))).toBe(heavyFolder)
    // nor is the hidden lockfile written again: its time stays before any later change
    const after = fs.statSync(path.join(dir, 'node_modules/.package-lock.json'))
    expect([after.ino, after.mtimeMs]).toEqual([hidden.ino, hidden.mtimeMs])
  })

  test('a file deleted deep inside a package is restored, and only that package is made again', async () => {
    await using tmp = tempDir()
    const dir = await installed(tmp.path)
    const alphaFolder = inode(path.join(dir, 'node_modules/alpha'))
    fs.rmSync(path.join(dir, 'node_modules/heavy/lib/part-5/file-5.js'))
    expect(await ciAgain(dir)).toStartWith('changed 1 package in')
    expect(snapshotNodeModules(dir)).toEqual(suite.cleanTree)
    expect(inode(path.join(dir, 'node_modules/alpha'))).toBe(alphaFolder)
  })

  test('a file written in place is restored', async () => {
    await using tmp = tempDir()
    const dir = await installed(tmp.path)
    fs.writeFileSync(path.join(dir, 'node_modules/@scope/gamma/index.js'), 'GAMMA\n')
    expect(await ciAgain(dir)).toStartWith('changed 1 package in')
    expect(fs.readFileSync(path.join(dir, 'node_modules/@scope/gamma/index.js'), 'utf8')).toBe('gamma\n')
    expect(snapshotNodeModules(dir)).toEqual(suite.cleanTree)
  })

  test('a file added inside a package, or at its top, is removed', async () => {
    await using tmp = tempDir()
    const dir = await installed(tmp.path)
    fs.writeFileSync(path.join(dir, 'node_modules/heavy/lib/part-1/extra.js'), 'x')
    fs.writeFileSync(path.join(dir, 'node_modules/alpha/extra.js'), 'x')
    expect(await ciAgain(dir)).toStartWith('changed 2 packages in')
    expect(snapshotNodeModules(dir)).toEqual(suite.cleanTree)
  })

  test('a change inside a nested package makes only that package again, not the one holding it', async () => {
    await using tmp = tempDir()
    const dir = await installed(tmp.path)
    const betaFolder = inode(path.join(dir, 'node_modules/beta'))
    fs.rmSync(path.join(dir, 'node_modules/beta/node_modules/alpha/index.js'))
    expect(await ciAgain(dir)).toStartWith('changed 1 package in')
    expect(inode(path.join(dir, 'node_modules/beta'))).toBe(betaFolder)
    expect(snapshotNodeModules(dir)).toEqual(suite.cleanTree)
  })

  test('a change in a package that holds a nested one makes both again', async () => {
    await using tmp = tempDir()
    const dir = await installed(tmp.path)
    fs.rmSync(path.join(dir, 'node_modules/beta/lib/a.js'))
    // beta is made again, and the alpha nested in its folder with it
    expect(await ciAgain(dir)).toMatch(/^changed 1 package in \d+ms · 2 from cache/)
    expect(snapshotNodeModules(dir)).toEqual(suite.cleanTree)
  })

  test('what install scripts wrote into their package during the install is not a change', async () => {
    await using tmp = tempDir()
    const packageJson = { name: 'app', version: '1.0.0', dependencies: { builds: '^1.0.0' }, allowScripts: { builds: true } }
    const dir = writeFixtureProject(suite.registry, tmp.path, { packageJson, locked: [{ name: 'builds', version: '1.0.0' }] })
    expect((await runSkiffFull(dir, ['ci'], { registry: suite.registry.url })).code).toBe(0)
    expect(fs.readFileSync(path.join(dir, 'node_modules/builds/build.txt'), 'utf8')).toBe('built\n')
    expect(await ciAgain(dir)).toStartWith('up to date')
    // and once its own output is gone, the package is made and built again
    fs.rmSync(path.join(dir, 'node_modules/builds/build.txt'))
    expect(await ciAgain(dir)).toStartWith('changed 1 package')
    expect(fs.readFileSync(path.join(dir, 'node_modules/builds/build.txt'), 'utf8')).toBe('built\n')
  })
})
