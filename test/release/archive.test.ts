import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { archiveName, targetNamed, TARGETS, writeChecksums, writeReleaseArchive, type Target } from '../../release/index.ts'
import { createZip } from '../../release/zip.ts'
import { tempDir } from '../helpers/index.ts'

const repoRoot = path.resolve(import.meta.dir, '../..')

function target(name: string): Target {
  const found = targetNamed(name)
  if (!found) throw new Error(`no target ${name}`)
  return found
}

function run(command: string[], cwd: string): string {
  const child = Bun.spawnSync(command, { cwd })
  if (child.exitCode !== 0) throw new Error(`${command.join(' ')}: ${child.stderr.toString()}`)
  return child.stdout.toString()
}

describe('release archives', () => {
  test('every target has one archive name: .zip for Windows, .tar.gz for the others', () => {
    expect(TARGETS.map(archiveName)).toEqual([
      'skiff-linux-x64.tar.gz',
      'skiff-linux-arm64.tar.gz',
      'skiff-linux-x64-musl.tar.gz',
      'skiff-linux-arm64-musl.tar.gz',
      'skiff-darwin-x64.tar.gz',
      'skiff-darwin-arm64.tar.gz',
      'skiff-windows-x64.zip',
    ])
  })

  test('a .tar.gz holds skiff-<target>/ with the executable (mode 755), LICENSE and README.md; SHA256SUMS passes sha256sum -c', async () => {
    await using tmp = tempDir()
    const executable = path.join(tmp.path, 'built')
    fs.writeFileSync(executable, '#!/bin/sh\necho built\n', { mode: 0o700 })
    const releaseDir = path.join(tmp.path, 'release')
    fs.mkdirSync(releaseDir)
    const archive = await writeReleaseArchive(target('linux-arm64-musl'), executable, releaseDir)
    expect(path.basename(archive)).toBe('skiff-linux-arm64-musl.tar.gz')
    await writeChecksums(releaseDir)
    expect(fs.readdirSync(releaseDir).sort()).toEqual(['SHA256SUMS', 'skiff-linux-arm64-musl.tar.gz'])
    expect(run(['sha256sum', '-c', 'SHA256SUMS'], releaseDir)).toBe('skiff-linux-arm64-musl.tar.gz: OK\n')

    const out = path.join(tmp.path, 'out')
    fs.mkdirSync(out)
    run(['tar', '-xzf', archive, '-C', out], tmp.path)
    const folder = path.join(out, 'skiff-linux-arm64-musl')
    expect(fs.readdirSync(out)).toEqual(['skiff-linux-arm64-musl'])
    expect(fs.readdirSync(folder).sort()).toEqual(['LICENSE', 'README.md', 'skiff'])
    expect(fs.readFileSync(path.join(folder, 'skiff'), 'utf8')).toBe('#!/bin/sh\necho built\n')
    expect(fs.statSync(path.join(folder, 'skiff')).mode & 0o777).toBe(0o755)
    expect(fs.readFileSync(path.join(folder, 'LICENSE'))).toEqual(fs.readFileSync(path.join(repoRoot, 'LICENSE')))
    expect(fs.readFileSync(path.join(folder, 'README.md'))).toEqual(fs.readFileSync(path.join(repoRoot, 'README.md')))
  })

  test('the same input gives the same archive bytes', async () => {
    await using tmp = tempDir()
    const executable = path.join(tmp.path, 'built')
    fs.writeFileSync(executable, 'binary\n')
    const digests: string[] = []
    for (const name of ['a', 'b']) {
      const dir = path.join(tmp.path, name)
      fs.mkdirSync(dir)
      for (const each of [target('darwin-arm64'), target('windows-x64')]) {
        const archive = await writeReleaseArchive(each, executable, dir)
        digests.push(new Bun.CryptoHasher('sha256').update(fs.readFileSync(archive)).digest('hex'))
      }
      await Bun.sleep(1100)
    }
    expect(digests.slice(0, 2)).toEqual(digests.slice(2))
  })

  test('the Windows .zip unpacks with unzip: skiff.exe, LICENSE, README.md, bytes and modes kept', async () => {
    await using tmp = tempDir()
    const executable = path.join(tmp.path, 'skiff.exe')
    const bytes = new Uint8Array(200_000).map((_, index) => (index * 7919) % 251)
    fs.writeFileSync(executable, bytes)
    const archive = await writeReleaseArchive(target('windows-x64'), executable, tmp.path)
    expect(path.basename(archive)).toBe('skiff-windows-x64.zip')
    expect(run(['unzip', '-t', archive], tmp.path)).toContain('No errors detected')
    const out = path.join(tmp.path, 'out')
    run(['unzip', '-q', archive, '-d', out], tmp.path)
    const folder = path.join(out, 'skiff-windows-x64')
    expect(fs.readdirSync(folder).sort()).toEqual(['LICENSE', 'README.md', 'skiff.exe'])
    expect(new Uint8Array(fs.readFileSync(path.join(folder, 'skiff.exe')))).toEqual(bytes)
    expect(fs.statSync(path.join(folder, 'skiff.exe')).mode & 0o777).toBe(0o755)
    expect(fs.statSync(path.join(folder, 'LICENSE')).mode & 0o777).toBe(0o644)
  })

  test('createZip: an empty file and a UTF-8 name round-trip', async () => {
    await using tmp = tempDir()
    const zip = path.join(tmp.path, 'x.zip')
    fs.writeFileSync(zip, createZip([
      { name: 'd/empty', data: new Uint8Array(0), mode: 0o644 },
      { name: 'd/naïve.txt', data: new TextEncoder().encode('héllo\n'), mode: 0o600 },
    ]))
    run(['unzip', '-q', zip, '-d', path.join(tmp.path, 'out')], tmp.path)
    expect(fs.readFileSync(path.join(tmp.path, 'out/d/empty'), 'utf8')).toBe('')
    expect(fs.readFileSync(path.join(tmp.path, 'out/d/naïve.txt'), 'utf8')).toBe('héllo\n')
    expect(fs.statSync(path.join(tmp.path, 'out/d/naïve.txt')).mode & 0o777).toBe(0o600)
  })
})
