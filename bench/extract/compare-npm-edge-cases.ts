/**
 * Checks the extractor against npm on crafted tarballs (the odd cases of the tests): each is
 * installed by `npm install <file.tgz> --ignore-scripts` into a fresh project and extracted by
 * skiff, and the two folders are compared (names, kinds, modes, bytes). Needs npm on PATH.
 *
 *   bun bench/extract/compare-npm-edge-cases.ts
 *
 * Expected: every case the same, except `modes`, where npm keeps setuid/setgid bits and skiff
 * drops them on purpose.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { extractTarball } from '../../src/tarball/index.ts'
import { gnuLong, makeTgz, pax, type RawEntry } from '../../test/tarball/make-tar.ts'
import { describeTree } from './describe-tree.ts'

const manifest = (name: string, extra: object = {}): RawEntry => ({
  name: 'package/package.json',
  data: JSON.stringify({ name, version: '1.0.0', ...extra }),
})
const deep = `package/${'d'.repeat(70)}/${'e'.repeat(70)}`
const crlfThenInvalidUtf8 = new Uint8Array([...new TextEncoder().encode('#!/bin/sh\r\n'), 0xff, 0xfe, 0x20, 0x62])

const cases: Record<string, { name: string; entries: RawEntry[] }> = {
  modes: {
    name: 'modes',
    entries: [
      manifest('modes'),
      { name: 'package/private', mode: 0o600 },
      { name: 'package/owner-exec', mode: 0o700 },
      { name: 'package/all', mode: 0o777 },
      { name: 'package/suid', mode: 0o4755 },
      { name: 'package/emptydir/', type: '5', mode: 0o700 },
      { name: 'package/lib/', type: '5', mode: 0o700 },
      { name: 'package/lib/a.js', mode: 0o640 },
    ],
  },
  duplicates: {
    name: 'duplicates',
    entries: [
      manifest('duplicates'),
      { name: 'package/plain', data: 'first', mode: 0o644 },
      { name: 'package/plain', data: 'second!', mode: 0o755 },
      { name: 'package/old', data: 'first', mode: 0o644 },
      { name: 'package/old', type: '\0', data: 'second', mode: 0o755 },
      { name: 'package/contiguous', data: 'first', mode: 0o644 },
      { name: 'package/contiguous', type: '7', data: 'second', mode: 0o755 },
    ],
  },
  conflicts: {
    name: 'conflicts',
    entries: [
      manifest('conflicts'),
      { name: 'package/a', data: 'file' },
      { name: 'package/a/b', data: 'below' },
      { name: 'package/d/x', data: 'in dir' },
      { name: 'package/d', data: 'over dir' },
    ],
  },
  ignores: {
    name: 'ignores',
    entries: [
      manifest('ignores'),
      { name: 'package/.gitignore', data: 'root git' },
      { name: 'package/a/.npmignore', data: 'a npm' },
      { name: 'package/a/.gitignore', data: 'a git' },
      { name: 'package/b/.gitignore', data: 'b git' },
      { name: 'package/b/.npmignore', data: 'b npm' },
    ],
  },
  tops: {
    name: 'tops',
    entries: [
      manifest('tops'),
      { name: 'node-v1.2.3/index.js', data: 'i' },
      { name: 'other/lib/x.js', data: 'x' },
      { name: 'README', data: 'dropped' },
      { name: './weird/.//a.js', data: 'a' },
      { name: 'package/a/../b', data: 'dotdot' },
    ],
  },
  links: {
    name: 'links',
    entries: [
      manifest('links'),
      { name: 'package/out', type: '2', linkname: '../../../../etc' },
      { name: 'package/hard', type: '1', linkname: 'package/package.json' },
      { name: 'package/out/passwd', data: 'inside' },
      { name: 'package/fifo', type: '6' },
    ],
  },
  bins: {
    name: '@scope/bins',
    entries: [
      manifest('@scope/bins', { bin: { '@scope/tool': './bin/cli.js', other: 'lib/../lib/other.js', bad: '../../x', x: 'x' } }),
      { name: 'package/bin/cli.js', data: '#!/usr/bin/env node\r\nconsole.log(1)\r\n' },
      { name: 'package/lib/other.js', data: '#!/bin/sh\necho ok\r\n', mode: 0o600 },
      { name: 'package/x', data: crlfThenInvalidUtf8 },
    ],
  },
  bindir: {
    name: 'bindir',
    entries: [
      manifest('bindir', { directories: { bin: './scripts' } }),
      { name: 'package/scripts/run', data: '#!/bin/sh\r\nx' },
      { name: 'package/scripts/.hidden', data: 'x' },
      { name: 'package/scripts/sub/deep', data: 'x' },
      { name: 'package/other', data: 'x' },
    ],
  },
  longnames: {
    name: 'longnames',
    entries: [
      manifest('longnames'),
      pax({ path: `${deep}/from-pax.js` }),
      { name: 'ignored-name', data: 'pax' },
      gnuLong(`${deep}/from-gnu.js`),
      { name: 'ignored-too', data: 'gnu' },
      { name: 'from-prefix.js', prefix: deep, data: 'prefix' },
      { name: 'package/gnu-magic.js', prefix: 'not/a/prefix', magic: 'gnu', data: 'g' },
      { name: 'package/big.bin', base256Size: true, data: 'base256' },
      pax({ size: '3' }),
      { name: 'package/pax-size.txt', size: 0, data: 'abc' },
      pax({ mode: '755' }),
      { name: 'package/pax-mode', data: 'm' },
    ],
  },
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-edge-'))
let differing = 0
for (const [label, { name, entries }] of Object.entries(cases)) {
  const tgz = path.join(scratch, `${label}.tgz`)
  fs.writeFileSync(tgz, makeTgz(entries))
  const project = path.join(scratch, `npm-${label}`)
  fs.mkdirSync(project)
  fs.writeFileSync(path.join(project, 'package.json'), '{"name":"p","version":"1.0.0"}')
  const npm = Bun.spawnSync(['npm', 'install', '--ignore-scripts', '--no-audit', '--no-fund', tgz], { cwd: project, stdout: 'ignore', stderr: 'pipe' })
  if (npm.exitCode !== 0) throw new Error(`npm install ${label}: ${npm.stderr.toString()}`)
  const ours = path.join(scratch, `skiff-${label}`)
  fs.mkdirSync(ours)
  await extractTarball(fs.readFileSync(tgz), ours, { pkg: label })
  const expected = describeTree(path.join(project, 'node_modules', name), { skipNodeModules: true })
  const actual = describeTree(ours)
  const onlyNpm = expected.filter((line) => !actual.includes(line))
  const onlySkiff = actual.filter((line) => !expected.includes(line))
  if (onlyNpm.length + onlySkiff.length === 0) {
    console.log(`${label}: same`)
    continue
  }
  differing++
  console.log(`${label}: differs\n  npm:   ${onlyNpm.join('\n         ')}\n  skiff: ${onlySkiff.join('\n         ')}`)
}
fs.rmSync(scratch, { recursive: true, force: true })
console.log(`${Object.keys(cases).length} cases, ${differing} differ`)
