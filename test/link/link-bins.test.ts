import { describe, expect, test } from 'bun:test'
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { isSkiffError } from '../../src/error/index.ts'
import { linkBins } from '../../src/link/index.ts'
import { makeTempDir, storePackage } from './fake-store.ts'

function project(root: string) {
  const nm = path.join(root, 'node_modules')
  const binDir = path.join(nm, '.bin')
  const add = (name: string, files: Array<{ path: string; mode?: number }>) =>
    storePackage(nm, name, files.map((file) => ({ ...file, content: '#!/usr/bin/env node\n' }))).srcDir
  return { nm, binDir, add }
}

describe('linkBins', () => {
  test('creates relative symlinks in .bin and returns the names linked', async () => {
    using tmp = makeTempDir()
    const { binDir, add } = project(tmp.dir)
    const packageDir = add('tool', [{ path: 'bin/cli.js', mode: 0o755 }, { path: 'other.js', mode: 0o755 }])
    const names = await linkBins({ packageDir, binDir, bin: { tool: 'bin/cli.js', 'tool-other': './other.js' }, pkg: 'tool@1.0.0' })
    expect(names).toEqual(['tool', 'tool-other'])
    expect(readlinkSync(path.join(binDir, 'tool'))).toBe('../tool/bin/cli.js')
    expect(readlinkSync(path.join(binDir, 'tool-other'))).toBe('../tool/other.js')
    expect(readFileSync(path.join(binDir, 'tool'), 'utf8')).toBe('#!/usr/bin/env node\n')
  })

  test('a scoped bin name links under its last segment, pointing into the scoped package', async () => {
    using tmp = makeTempDir()
    const { binDir, add } = project(tmp.dir)
    const packageDir = add('@scope/pkg', [{ path: 'cli.js', mode: 0o755 }])
    expect(await linkBins({ packageDir, binDir, bin: { '@scope/pkg': 'cli.js' }, pkg: '@scope/pkg@1.0.0' })).toEqual(['pkg'])
    expect(readlinkSync(path.join(binDir, 'pkg'))).toBe('../@scope/pkg/cli.js')
  })

  test('a nested package links into the .bin beside it', async () => {
    using tmp = makeTempDir()
    const nested = path.join(tmp.dir, 'node_modules/a/node_modules')
    const packageDir = storePackage(nested, 'b', [{ path: 'b.js', content: 'x', mode: 0o755 }]).srcDir
    await linkBins({ packageDir, binDir: path.join(nested, '.bin'), bin: { b: 'b.js' }, pkg: 'b@1.0.0' })
    expect(readlinkSync(path.join(nested, '.bin/b'))).toBe('../b/b.js')
  })

  test('makes a target executable (0o777 & ~umask) only when it is not', async () => {
    using tmp = makeTempDir()
    const { binDir, add } = project(tmp.dir)
    const packageDir = add('p', [{ path: 'plain.js', mode: 0o644 }, { path: 'group.js', mode: 0o775 }])
    await linkBins({ packageDir, binDir, bin: { plain: 'plain.js', group: 'group.js' }, pkg: 'p@1.0.0', umask: 0o022 })
    expect(statSync(path.join(packageDir, 'plain.js')).mode & 0o777).toBe(0o755)
    expect(statSync(path.join(packageDir, 'group.js')).mode & 0o777).toBe(0o775)
  })

  test('replaces a link of another package or a file at the name, as npm does in a local install', async () => {
    using tmp = makeTempDir()
    const { binDir, add } = project(tmp.dir)
    const other = add('other', [{ path: 'x.js', mode: 0o755 }])
    const packageDir = add('p', [{ path: 'x.js', mode: 0o755 }, { path: 'y.js', mode: 0o755 }])
    mkdirSync(binDir)
    symlinkSync(path.relative(binDir, path.join(other, 'x.js')), path.join(binDir, 'x'))
    writeFileSync(path.join(binDir, 'y'), 'a file')
    await linkBins({ packageDir, binDir, bin: { x: 'x.js', y: 'y.js' }, pkg: 'p@1.0.0' })
    expect(readlinkSync(path.join(binDir, 'x'))).toBe('../p/x.js')
    expect(readlinkSync(path.join(binDir, 'y'))).toBe('../p/y.js')
  })

  test('leaves a link that already points at the same file untouched', async () => {
    using tmp = makeTempDir()
    const { binDir, add } = project(tmp.dir)
    const packageDir = add('p', [{ path: 'x.js', mode: 0o755 }])
    mkdirSync(binDir)
    symlinkSync('../p/x.js', path.join(binDir, 'x'))
    const before = lstatSync(path.join(binDir, 'x')).ino
    expect(await linkBins({ packageDir, binDir, bin: { x: 'x.js' }, pkg: 'p@1.0.0' })).toEqual(['x'])
    expect(lstatSync(path.join(binDir, 'x')).ino).toBe(before)
  })

  test('skips a bin whose target is missing from the package', async () => {
    using tmp = makeTempDir()
    const { binDir, add } = project(tmp.dir)
    const packageDir = add('p', [{ path: 'x.js', mode: 0o755 }])
    expect(await linkBins({ packageDir, binDir, bin: { x: 'x.js', gone: 'gone.js' }, pkg: 'p@1.0.0' })).toEqual(['x'])
    expect(readdirSync(binDir)).toEqual(['x'])
  })

  test('refuses ".." as a name and never points a link outside the package', async () => {
    using tmp = makeTempDir()
    const { nm, binDir, add } = project(tmp.dir)
    const packageDir = add('p', [{ path: 'x.js', mode: 0o755 }])
    writeFileSync(path.join(nm, 'secret.js'), 'outside the package')
    const names = await linkBins({ packageDir, binDir, bin: { '..': 'x.js', '../evil': 'x.js', escape: '../secret.js' }, pkg: 'p@1.0.0' })
    expect(names).toEqual(['evil'])
    expect(readdirSync(binDir)).toEqual(['evil'])
    expect(readlinkSync(path.join(binDir, 'evil'))).toBe('../p/x.js')
  })

  test('a failure to create a link is ELINK naming the package and the link', async () => {
    using tmp = makeTempDir()
    const { nm, add } = project(tmp.dir)
    const packageDir = add('p', [{ path: 'x.js', mode: 0o755 }])
    const binDir = path.join(nm, 'blocked/.bin')
    writeFileSync(path.join(nm, 'blocked'), 'a file where a folder should be')
    const error = await linkBins({ packageDir, binDir, bin: { x: 'x.js' }, pkg: 'p@1.0.0' }).catch((reason: unknown) => reason)
    expect(isSkiffError(error) && error.code).toBe('ELINK')
    expect(isSkiffError(error) && error.details.path).toBe(path.join(binDir, 'x'))
    expect(isSkiffError(error) && error.details.pkg).toBe('p@1.0.0')
  })
})
