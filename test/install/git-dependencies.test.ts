import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { runSkiff, tempDir, type TempDir } from '../helpers/index.ts'
import { createTestRegistry, type TestRegistry } from '../registry/index.ts'
import { filesWithModes, makeDependentRepo, makePreparedRepo } from './git-repos.ts'
import { GIT_CASES, GIT_NPM_DIR, makeCaseRepos, REPO, type NpmGitRecord } from './record-git-locks.ts'

let tmp: TempDir
let repos: ReturnType<typeof makeCaseRepos>
let repo: string
let prepared: string
let dependent: string
let registry: TestRegistry

beforeAll(async () => {
  tmp = tempDir()
  repos = makeCaseRepos(tmp.path)
  repo = repos.gitpkg
  registry = await createTestRegistry({ packages: [{ name: 'build-tool', version: '1.0.0', files: { 'index.js': 'module.exports = 1\n' } }] })
  prepared = makePreparedRepo(tmp.path, { name: 'build-tool', version: '1.0.0' })
  dependent = makeDependentRepo(tmp.path, { name: 'build-tool', range: '^1.0.0' })
})

afterAll(async () => {
  await registry.close()
  await tmp[Symbol.asyncDispose]()
})

const APP = `${JSON.stringify({ name: 'app', version: '1.0.0' }, null, 2)}\n`

function project(name: string): string {
  const dir = path.join(tmp.path, 'projects', name, 'app')
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'package.json'), APP)
  return dir
}

const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), 'utf8')
const npmRecord = (name: string) => JSON.parse(fs.readFileSync(path.join(GIT_NPM_DIR, `${name}.json`), 'utf8')) as NpmGitRecord
const withPlaceholder = (text: string) => text.split(repo).join(REPO)

describe('git dependencies: what npm 11 writes and installs', () => {
  for (const [name, { repo: repoName, suffix, folder }] of Object.entries(GIT_CASES)) {
    test(`install git+file://…/${repoName}${suffix || ' (no committish)'} saves, locks and installs what npm does`, async () => {
      const dir = project(name)
      const caseRepo = repos[repoName]
      const run = await runSkiff(dir, ['install', `git+file://${caseRepo}${suffix}`])
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      const npm = npmRecord(name)
      const placeholder = (text: string) => text.split(caseRepo).join(REPO)
      expect(placeholder(read(dir, 'package.json'))).toBe(npm.packageJson)
      expect(placeholder(read(dir, 'package-lock.json'))).toBe(npm.lockfile)
      expect(filesWithModes(path.join(dir, 'node_modules', folder))).toEqual(npm.files)
    })
  }

  test('the bins of a git dependency are linked', async () => {
    const dir = project('bins')
    expect((await runSkiff(dir, ['install', `git+file://${repo}#dev`])).code).toBe(0)
    expect(fs.readlinkSync(path.join(dir, 'node_modules/.bin/gp'))).toBe('../gitpkg/bin/gp.js')
  })

  test('ci from the lockfile checks out the locked commit; with the store warm it needs no git', async () => {
    const dir = project('ci')
    const npm = npmRecord('branch')
    fs.writeFileSync(path.join(dir, 'package.json'), npm.packageJson.split(REPO).join(repo))
    fs.writeFileSync(path.join(dir, 'package-lock.json'), npm.lockfile.split(REPO).join(repo))
    const cold = await runSkiff(dir, ['ci'])
    expect(cold.stderr).toBe('')
    expect(cold.code).toBe(0)
    expect(filesWithModes(path.join(dir, 'node_modules/gitpkg'))).toEqual(npm.files)
    expect(JSON.parse(read(dir, 'node_modules/gitpkg/package.json')).version).toBe('3.0.0-dev')

    fs.rmSync(path.join(dir, 'node_modules'), { recursive: true })
    const emptyPath = path.join(tmp.path, 'no-git-bin')
    fs.mkdirSync(emptyPath, { recursive: true })
    const warm = await runSkiff(dir, ['ci'], { env: { PATH: emptyPath } })
    expect(warm.stderr).toBe('')
    expect(warm.code).toBe(0)
    expect(filesWithModes(path.join(dir, 'node_modules/gitpkg'))).toEqual(npm.files)
  })

  test('a short sha is found in the repository and locked as the full one', async () => {
    const dir = project('short-sha')
    const run = await runSkiff(dir, ['install', `git+file://${repo}#3befeac`])
    expect(run.code).toBe(0)
    expect(JSON.parse(read(dir, 'package.json')).dependencies).toEqual({ gitpkg: `git+file://${repo}#3befeac` })
    expect(withPlaceholder(read(dir, 'package-lock.json'))).toBe(npmRecord('sha').lockfile.replace('#3befeacd30a17522551fd7a233f918af9fbb3985"\n', '#3befeac"\n'))
  })

  test('a github: shorthand is saved as written and locked as git+ssh, the clone going over https first', async () => {
    const dir = project('github')
    const gitconfig = path.join(tmp.path, 'gitconfig-github')
    // the https URL npm clones first is served by the local repository
    fs.writeFileSync(gitconfig, `[url "file://${repo}"]\n\tinsteadOf = https://github.com/someone/gitpkg.git\n`)
    const run = await runSkiff(dir, ['install', 'github:someone/gitpkg#dev'], { env: { GIT_CONFIG_GLOBAL: gitconfig } })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(JSON.parse(read(dir, 'package.json')).dependencies).toEqual({ gitpkg: 'github:someone/gitpkg#dev' })
    const lock = JSON.parse(read(dir, 'package-lock.json'))
    expect(lock.packages['node_modules/gitpkg']).toEqual({
      version: '3.0.0-dev',
      resolved: 'git+ssh://git@github.com/someone/gitpkg.git#430fb55c99767b770aa8e5e49973e98b5f5707b6',
      license: 'MIT',
      bin: { gp: 'bin/gp.js' },
      engines: { node: '>=14' },
    })
  })
})

describe('git dependencies with dependencies of their own', () => {
  test('their registry dependencies are resolved, locked and installed beside them; ci installs both', async () => {
    const dir = project('dependent')
    const run = await runSkiff(dir, ['install', `git+file://${dependent}`], { registry: registry.url })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const lock = JSON.parse(read(dir, 'package-lock.json'))
    expect(lock.packages['node_modules/dependent']).toEqual({
      version: '0.1.0',
      resolved: expect.stringMatching(new RegExp(`^git\\+file://${dependent}#[0-9a-f]{40}$`)),
      license: 'ISC',
      dependencies: { 'build-tool': '^1.0.0' },
    })
    expect(lock.packages['node_modules/build-tool']).toMatchObject({ version: '1.0.0', resolved: registry.tarballUrl('build-tool', '1.0.0') })
    fs.rmSync(path.join(dir, 'node_modules'), { recursive: true })
    const ci = await runSkiff(dir, ['ci'], { registry: registry.url, cache: path.join(tmp.path, 'dependent-ci-cache') })
    expect(ci.stderr).toBe('')
    expect(ci.code).toBe(0)
    expect(read(dir, 'node_modules/dependent/index.js')).toContain('build-tool')
    expect(read(dir, 'node_modules/build-tool/index.js')).toBe('module.exports = 1\n')
  })
})

describe('git dependencies: errors leave package.json and the lockfile alone', () => {
  const cases: Array<[string, () => string, string, string]> = [
    ['a repository that does not exist', () => `git+file://${tmp.path}/missing.git`, 'EGIT', 'does not appear to be a git repository'],
    ['an unknown branch', () => `git+file://${repo}#no-such-branch`, 'EGIT', 'no branch, tag or commit "no-such-branch"'],
    ['no tag satisfying semver:', () => `git+file://${repo}#semver:^9`, 'ETARGET', 'no tag of the repository satisfies semver:^9'],
  ]
  for (const [what, spec, code, message] of cases) {
    test(`${what}: ${code} naming the dependency`, async () => {
      const dir = project(`error-${code}-${what.length}`)
      const run = await runSkiff(dir, ['install', spec()])
      expect(run.code).toBe(1)
      expect(run.stderr).toContain(code)
      expect(run.stderr).toContain(message)
      expect(run.stderr).toContain(spec())
      expect(read(dir, 'package.json')).toBe(APP)
      expect(fs.existsSync(path.join(dir, 'package-lock.json'))).toBe(false)
    })
  }

  test('without git on PATH: ENOGIT saying git is needed', async () => {
    const dir = project('no-git')
    const emptyPath = path.join(tmp.path, 'no-git-bin')
    fs.mkdirSync(emptyPath, { recursive: true })
    const run = await runSkiff(dir, ['install', `git+file://${repo}#dev`], { env: { PATH: emptyPath } })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('ENOGIT')
    expect(run.stderr).toContain('need git')
    expect(read(dir, 'package.json')).toBe(APP)
  })
})

describe('git dependencies with a prepare script', () => {
  // npm 11.19 on the same repository: node_modules/prepared holds dist/index.js ("built") and
  // package.json, and the lock entry is { version, resolved } (prepare is not an install script)
  test('with allowScripts: the checkout gets its dependencies, prepare runs, the built files are installed; ci does it again', async () => {
    const dir = project('prepare')
    const packageJson = { name: 'app', version: '1.0.0', allowScripts: { [`git+file://${prepared}`]: true } }
    fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`)
    const run = await runSkiff(dir, ['install', `git+file://${prepared}`], { registry: registry.url })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(filesWithModes(path.join(dir, 'node_modules/prepared'))).toEqual(['dist/index.js 644', 'package.json 644'])
    expect(read(dir, 'node_modules/prepared/dist/index.js')).toBe('built\n')
    const lock = JSON.parse(read(dir, 'package-lock.json'))
    expect(Object.keys(lock.packages)).toEqual(['', 'node_modules/prepared'])
    expect(lock.packages['node_modules/prepared']).toEqual({ version: '1.0.0', resolved: expect.stringMatching(new RegExp(`^git\\+file://${prepared}#[0-9a-f]{40}$`)) })

    fs.rmSync(path.join(dir, 'node_modules'), { recursive: true })
    const ci = await runSkiff(dir, ['ci'], { registry: registry.url, cache: path.join(tmp.path, 'prepare-ci-cache') })
    expect(ci.stderr).toBe('')
    expect(ci.code).toBe(0)
    expect(read(dir, 'node_modules/prepared/dist/index.js')).toBe('built\n')
  })

  test('without allowScripts: EALLOWSCRIPTS naming the package and the key to add; nothing is written', async () => {
    const dir = project('prepare-denied')
    const run = await runSkiff(dir, ['install', `git+file://${prepared}`], { registry: registry.url })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('EALLOWSCRIPTS')
    expect(run.stderr).toContain(`"allowScripts": { "git+file://${prepared}": true }`)
    expect(read(dir, 'package.json')).toBe(APP)
    expect(fs.existsSync(path.join(dir, 'package-lock.json'))).toBe(false)
  })
})
