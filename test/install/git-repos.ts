/**
 * A git repository for the git-dependency tests, built the same way every time: fixed names,
 * dates and file modes, so its commits have the same shas on every machine and the lockfiles
 * npm wrote for it (git-npm/, recorded by record-git-locks.ts) can be compared byte for byte.
 *
 *   main: v1.0.0, v1.1.0 (annotated tag), v2.0.0 = HEAD     dev: 3.0.0-dev     files: 4.0.0 with `files`
 *
 * and smaller ones beside it (bundler.git, prepared.git, dependent.git) built the same way.
 *
 * Every file the packlist rules drop is committed anyway (`git add -f`), so the rules are what
 * keeps them out of node_modules.
 */
import fs from 'node:fs'
import path from 'node:path'

const DATE = '2020-01-01T00:00:00Z'

export function gitEnv(home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'skiff',
    GIT_AUTHOR_EMAIL: 'skiff@example.com',
    GIT_AUTHOR_DATE: DATE,
    GIT_COMMITTER_NAME: 'skiff',
    GIT_COMMITTER_EMAIL: 'skiff@example.com',
    GIT_COMMITTER_DATE: DATE,
  }
}

type Files = Record<string, string | { content: string; mode: number }>

const common: Files = {
  'bin/gp.js': { content: '#!/usr/bin/env node\nconsole.log("gp")\n', mode: 0o755 },
  'lib/a.js': 'module.exports = 1\n',
  'lib/main.js': 'ignored by .gitignore, kept as main\n',
  'lib/secret.js': 'ignored by .gitignore\n',
  'lib/sub/.gitignore': '*.tmp\n',
  'lib/sub/keep.js': 'kept\n',
  'lib/sub/drop.tmp': 'dropped by the nested .gitignore\n',
  'test/t.js': 'test\n',
  'README.md': '# gitpkg\n',
  'LICENSE': 'MIT\n',
  'CHANGELOG.md': 'changes\n',
  '.gitignore': 'lib/secret.js\nlib/main.js\n*.log\n',
  '.hidden': 'dot files are packed\n',
  'debug.log': 'log\n',
  '.npmrc': 'registry=http://example.invalid/\n',
  'node_modules/x/index.js': 'never packed\n',
  '.DS_Store': 'x',
  'package-lock.json': '{}\n',
  'yarn.lock': '\n',
  'x.orig': 'orig\n',
}

function manifest(version: string, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ name: 'gitpkg', version, license: 'MIT', main: 'lib/main.js', bin: { gp: 'bin/gp.js' }, engines: { node: '>=14' }, ...extra }, null, 2)}\n`
}

/** Makes the bare repository `<dir>/repo.git`; returns its path. */
export function makeGitRepo(dir: string): string {
  const repo = repoBuilder(dir, 'work')
  repo.write({ ...common, 'package.json': manifest('1.0.0') })
  repo.commit('1.0.0')
  repo.git('tag', 'v1.0.0')
  repo.write({ 'package.json': manifest('1.1.0') })
  repo.commit('1.1.0')
  repo.git('tag', '-a', '-m', 'release 1.1.0', 'v1.1.0')
  repo.write({ 'package.json': manifest('2.0.0') })
  repo.commit('2.0.0')
  repo.git('tag', 'v2.0.0')
  repo.git('checkout', '-q', '-b', 'dev')
  repo.write({ 'package.json': manifest('3.0.0-dev') })
  repo.commit('3.0.0-dev')
  repo.git('checkout', '-q', '-b', 'files', 'main')
  repo.write({
    'package.json': manifest('4.0.0', { files: ['lib', './extra/one.js', 'docs/*'] }),
    'lib/.npmignore': 'secret.js\n',
    'extra/one.js': 'named in files\n',
    'extra/two.js': 'not named\n',
    'docs/guide.md': 'guide\n',
    'docs/deep/more.md': 'under docs/*\n',
  })
  repo.commit('4.0.0')
  repo.git('checkout', '-q', 'main')
  return repo.bare(path.join(dir, 'repo.git'))
}

/**
 * `<dir>/prepared.git`: a package whose prepare script builds dist/index.js (the only folder
 * `files` packs, and one .gitignore leaves out of the repository) with a dev dependency the
 * script requires.
 */
export function makePreparedRepo(dir: string, devDependency: { name: string; version: string }): string {
  const repo = repoBuilder(dir, 'prepared-work')
  const script = `node -e "require('${devDependency.name}')" && mkdir -p dist && echo built > dist/index.js`
  repo.write({
    'package.json': `${JSON.stringify({ name: 'prepared', version: '1.0.0', files: ['dist'], main: 'dist/index.js', scripts: { prepare: script }, devDependencies: { [devDependency.name]: devDependency.version } }, null, 2)}\n`,
    '.gitignore': 'dist\n',
  })
  repo.commit('1.0.0')
  return repo.bare(path.join(dir, 'prepared.git'))
}

/** `<dir>/bundler.git`: a package bundling a dependency it commits under node_modules. */
export function makeBundlerRepo(dir: string): string {
  const repo = repoBuilder(dir, 'bundler-work')
  repo.write({
    'package.json': `${JSON.stringify({ name: 'bundler', version: '1.0.0', dependencies: { 'build-tool': '^1.0.0' }, bundleDependencies: ['build-tool'] }, null, 2)}\n`,
    'index.js': 'module.exports = require("build-tool")\n',
    'node_modules/build-tool/package.json': `${JSON.stringify({ name: 'build-tool', version: '1.0.0' })}\n`,
    'node_modules/build-tool/index.js': 'module.exports = "bundled"\n',
  })
  repo.commit('1.0.0')
  return repo.bare(path.join(dir, 'bundler.git'))
}

/** `<dir>/dependent.git`: a package with a registry dependency. */
export function makeDependentRepo(dir: string, dependency: { name: string; range: string }): string {
  const repo = repoBuilder(dir, 'dependent-work')
  repo.write({
    'package.json': `${JSON.stringify({ name: 'dependent', version: '0.1.0', license: 'ISC', dependencies: { [dependency.name]: dependency.range } }, null, 2)}\n`,
    'index.js': 'module.exports = require("build-tool")\n',
  })
  repo.commit('0.1.0')
  return repo.bare(path.join(dir, 'dependent.git'))
}

function repoBuilder(dir: string, name: string) {
  const work = path.join(dir, name)
  const env = gitEnv(path.join(dir, 'git-home'))
  fs.mkdirSync(env.HOME as string, { recursive: true })
  fs.mkdirSync(work, { recursive: true })
  const git = (...args: string[]) => {
    const run = Bun.spawnSync(['git', ...args], { cwd: work, env, stdout: 'pipe', stderr: 'pipe' })
    if (run.exitCode !== 0) throw new Error(`git ${args.join(' ')}: ${run.stderr.toString()}`)
  }
  git('init', '-q', '-b', 'main')
  return {
    git,
    write(files: Files) {
      for (const [file, value] of Object.entries(files)) {
        const full = path.join(work, file)
        fs.mkdirSync(path.dirname(full), { recursive: true })
        fs.writeFileSync(full, typeof value === 'string' ? value : value.content)
        fs.chmodSync(full, typeof value === 'string' ? 0o644 : value.mode)
      }
    },
    commit(message: string) {
      git('add', '-f', '-A')
      git('commit', '-q', '-m', message)
    },
    bare(target: string): string {
      const clone = Bun.spawnSync(['git', 'clone', '-q', '--bare', work, target], { env, stdout: 'pipe', stderr: 'pipe' })
      if (clone.exitCode !== 0) throw new Error(`git clone --bare: ${clone.stderr.toString()}`)
      return target
    },
  }
}

/** Every file under `dir` with its mode, sorted: `bin/gp.js 755`. */
export function filesWithModes(dir: string): string[] {
  const out: string[] = []
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`
      if (entry.isDirectory()) walk(child)
      else out.push(`${child} ${(fs.statSync(path.join(dir, child)).mode & 0o777).toString(8)}`)
    }
  }
  walk('')
  return out.sort()
}
