import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { packlist } from '../../src/git/index.ts'
import { tempDir } from '../helpers/index.ts'

// Folders built to exercise npm-packlist's rules; `expected` is what `npm pack --dry-run --json`
// (npm 11.19.1, npm-packlist 10.0.4) listed for the same folder. `null` makes an empty folder;
// every folder also gets a symlink `link-to-lib` (symlinks are never packed).
const cases: Record<string, Record<string, string | null>> = {
  npmignore: {
    'package.json': JSON.stringify({ name: 'a', version: '1.0.0' }),
    '.npmignore': '*.log\n!keep.log\n/docs\nsub/*.md\n# comment\n\n',
    '.gitignore': 'lib\n',
    'keep.log': 'k', 'drop.log': 'd', 'docs/a.md': 'a', 'lib/docs/b.md': 'b', 'lib/x.js': 'x', 'sub/r.md': 'r', 'sub/deeper/r.md': 'r2',
    'readme.markdown': 'r', 'LICENCE': 'l', 'copying.txt': 'c', 'README~': 'tilde', 'Readme.md.orig': 'o',
    'lib/node_modules/x.js': 'nested nm', 'sub/.git/HEAD': 'g', 'build/config.gypi': 'g', 'build/other.gypi': 'o',
    'star*name.js': 's', 'empty/': null, '.npmrc': 'x', 'lib/.npmrc': 'y', '._foo': 'f', 'x.swp': 's', '.x.swp': 's',
    'CVS/x': 'c', 'lib/.DS_Store': 'd', 'npm-debug.log': 'n', 'yarn.lock': 'y', 'lib/yarn.lock': 'y2', 'pnpm-lock.yaml': 'p',
  },
  files: {
    'package.json': JSON.stringify({ name: 'b', version: '1.0.0', main: 'main.js', browser: 'browser.js', bin: 'cli.js', files: ['lib/**/*.js', '!lib/skip.js', 'types', 'single.d.ts', 'nope/'] }),
    '.npmignore': 'lib/ignored-by-npmignore.js\n',
    'lib/a.js': 'a', 'lib/deep/b.js': 'b', 'lib/c.txt': 'c', 'lib/skip.js': 's', 'lib/ignored-by-npmignore.js': 'i',
    'types/index.d.ts': 't', 'types/.npmignore': 'internal.d.ts\n', 'types/internal.d.ts': 'i', 'single.d.ts': 's', 'other.d.ts': 'o',
    'main.js': 'm', 'browser.js': 'b', 'cli.js': 'c', 'README.md': 'r', 'license': 'l', 'CHANGELOG.md': 'c',
  },
  gitignoreNested: {
    'package.json': JSON.stringify({ name: 'c', version: '1.0.0', files: ['src'] }),
    'src/.gitignore': '*.gen.js\n', 'src/a.js': 'a', 'src/a.gen.js': 'g', 'src/sub/.npmignore': 'x.js\n', 'src/sub/.gitignore': 'y.js\n', 'src/sub/x.js': 'x', 'src/sub/y.js': 'y',
    'src/node_modules/dep/index.js': 'd', 'test.js': 't',
  },
  bundled: {
    'package.json': JSON.stringify({ name: 'root', version: '1.0.0', dependencies: { a: '1', b: '1', c: '1' }, optionalDependencies: { o: '1' }, devDependencies: { d: '1' }, bundleDependencies: ['a', 'd', 'o', 'missing'] }),
    'index.js': 'x',
    'node_modules/a/package.json': JSON.stringify({ name: 'a', version: '1.0.0', dependencies: { b: '1', n: '1' }, files: ['lib'] }),
    'node_modules/a/lib/x.js': 'x', 'node_modules/a/other.js': 'o', 'node_modules/a/.npmignore': 'lib\n', 'node_modules/a/README.md': 'r',
    'node_modules/a/node_modules/n/package.json': JSON.stringify({ name: 'n', version: '1.0.0' }), 'node_modules/a/node_modules/n/i.js': 'i', 'node_modules/a/node_modules/n/.DS_Store': 'd', 'node_modules/a/node_modules/n/sub/.DS_Store': 'd',
    'node_modules/b/package.json': JSON.stringify({ name: 'b', version: '1.0.0' }), 'node_modules/b/b.js': 'b', 'node_modules/b/node_modules/z/package.json': JSON.stringify({ name: 'z', version: '1.0.0' }),
    'node_modules/c/package.json': JSON.stringify({ name: 'c', version: '1.0.0' }), 'node_modules/c/c.js': 'c',
    'node_modules/d/package.json': JSON.stringify({ name: 'd', version: '1.0.0' }),
    'node_modules/o/package.json': JSON.stringify({ name: 'o', version: '1.0.0' }), 'node_modules/o/o.js': 'o', 'node_modules/o/.gitignore': 'o.js\n',
  },
  bundleTrue: {
    'package.json': JSON.stringify({ name: 'root2', version: '1.0.0', dependencies: { '@s/a': '1' }, bundleDependencies: true }),
    'node_modules/@s/a/package.json': JSON.stringify({ name: '@s/a', version: '1.0.0' }), 'node_modules/@s/a/a.js': 'a', 'node_modules/@s/a/yarn.lock': 'y', 'node_modules/@s/a/node_modules/q/package.json': JSON.stringify({ name: 'q', version: '1.0.0' }),
  },
}

const expected: Record<string, string[]> = {
  npmignore: ['LICENCE', 'README~', 'Readme.md.orig', 'build/other.gypi', 'copying.txt', 'keep.log', 'lib/docs/b.md', 'lib/node_modules/x.js', 'lib/x.js', 'lib/yarn.lock', 'package.json', 'readme.markdown', 'sub/deeper/r.md', 'x.swp'],
  files: ['README.md', 'browser.js', 'cli.js', 'lib/a.js', 'lib/deep/b.js', 'lib/ignored-by-npmignore.js', 'license', 'main.js', 'package.json', 'single.d.ts', 'types/index.d.ts'],
  gitignoreNested: ['package.json', 'src/a.js', 'src/node_modules/dep/index.js', 'src/sub/y.js'],
  bundled: [
    'index.js', 'node_modules/a/README.md', 'node_modules/a/lib/x.js', 'node_modules/a/node_modules/n/.DS_Store', 'node_modules/a/node_modules/n/i.js',
    'node_modules/a/node_modules/n/package.json', 'node_modules/a/package.json', 'node_modules/b/b.js', 'node_modules/b/package.json',
    'node_modules/o/.gitignore', 'node_modules/o/o.js', 'node_modules/o/package.json', 'package.json',
  ],
  bundleTrue: ['node_modules/@s/a/a.js', 'node_modules/@s/a/package.json', 'package.json'],
}

function build(root: string, files: Record<string, string | null>): void {
  for (const [file, content] of Object.entries(files)) {
    const full = path.join(root, file)
    if (content === null) {
      fs.mkdirSync(full, { recursive: true })
      continue
    }
    fs.mkdirSync(path.dirname(full), { recursive: true })
    fs.writeFileSync(full, content)
  }
  fs.symlinkSync('lib', path.join(root, 'link-to-lib'))
}

describe('packlist: the files npm pack packs', () => {
  const descriptions: Record<string, string> = {
    npmignore: '.npmignore wins over .gitignore; default ignores, always-kept readme/licence/copying, lockfiles and .npmrc dropped only where npm drops them',
    files: '`files` with globs and negations, main/browser/bin always kept, .npmignore inside a listed folder still applies',
    gitignoreNested: 'nested .gitignore and .npmignore files apply to their folder; node_modules is dropped only at the root',
    bundled: 'bundleDependencies (not dev ones, not missing ones) with the dependencies they need, each by its package.json and the strict rules only',
    bundleTrue: 'bundleDependencies: true bundles every dependency, scoped ones included, without their own lockfiles',
  }
  for (const [name, files] of Object.entries(cases)) {
    test(descriptions[name] ?? name, async () => {
      await using tmp = tempDir()
      build(tmp.path, files)
      expect(await packlist(tmp.path, JSON.parse(files['package.json'] as string))).toEqual(expected[name] ?? [])
    })
  }
})
