/**
 * The README's recipes (GitHub Actions, GitLab CI, the Dockerfiles), run as written by
 * recipe-runners.ts: skiff comes from install.sh and a release folder served on 127.0.0.1, the
 * project's packages from the fixture registry, and no `node` is on PATH.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import packageJson from '../../package.json' with { type: 'json' }
import { tempDir, toolsOnlyPath, type TempDir } from '../helpers/index.ts'
import { createTestRegistry, lockfileFor, writeProject, type TestRegistry } from '../registry/index.ts'
import { releaseFolder, serveFolder, type FolderServer } from './helpers.ts'
import { recipeBlock, runDockerfile, runGithubWorkflow, runGitlabJob, type CacheStore, type RecipeEnv, type RecipeRun } from './recipe-runners.ts'

const readme = fs.readFileSync(path.resolve(import.meta.dir, '../../README.md'), 'utf8')
const TOOLS = ['sh', 'bash', 'env', 'cat', 'ls', 'mkdir', 'rm', 'cp', 'mv', 'chmod', 'ln', 'touch', 'grep', 'sed', 'awk', 'tr', 'cut', 'head', 'tail', 'sort', 'uname', 'ldd', 'dirname', 'basename', 'mktemp', 'curl', 'tar', 'gzip', 'sha256sum']

let work: TempDir
let registry: TestRegistry
let server: FolderServer
let basePath: string
let context: string

const appPackageJson = {
  name: 'recipe-app',
  version: '1.0.0',
  scripts: { start: 'node server.js', test: 'node test.js' },
  dependencies: { left: '^1.0.0' },
  devDependencies: { devonly: '^0.1.0' },
}

beforeAll(async () => {
  work = tempDir('skiff-recipes-')
  const release = await releaseFolder(work.path)
  server = serveFolder(release)
  registry = await createTestRegistry({
    packages: [
      { name: 'left', version: '1.0.0', files: { 'index.js': 'module.exports = "left 1"\n' } },
      { name: 'devonly', version: '0.1.0', files: { 'index.js': 'module.exports = "dev"\n' } },
    ],
  })
  basePath = toolsOnlyPath(path.join(work.path, 'bin'), TOOLS)
  context = writeProject(path.join(work.path, 'repo'), {
    packageJson: appPackageJson,
    lockfile: lockfileFor(registry, appPackageJson, [{ name: 'left', version: '1.0.0' }, { name: 'devonly', version: '0.1.0', dev: true }]),
    npmrc: `registry=${registry.url}\n`,
  })
  fs.writeFileSync(path.join(context, 'server.js'), 'console.log("serving " + require("left") + " on bun " + process.versions.bun)\n')
  fs.writeFileSync(path.join(context, 'test.js'), 'require("assert").strictEqual(require("left"), "left 1")\nrequire("devonly")\nconsole.log("tests passed on bun " + process.versions.bun)\n')
}, 180_000)

afterAll(async () => {
  await registry?.close()
  await server?.[Symbol.asyncDispose]()
  await work?.[Symbol.asyncDispose]()
})

function recipeEnv(name: string): RecipeEnv {
  return { context, sandbox: path.join(work.path, 'runs', name), releaseUrl: server.url, basePath }
}

const tarballRequests = () => registry.requests.filter((request) => request.path.endsWith('.tgz')).length

function expectOk(run: RecipeRun): void {
  const failed = run.steps.find((step) => step.code !== 0)
  expect(failed === undefined ? '' : `${failed.step}\n${failed.stdout}${failed.stderr}`).toBe('')
  expect(run.ok).toBe(true)
}

describe('the README recipes', () => {
  test('the machine they run on has no node', () => {
    expect(Bun.which('node', { PATH: basePath })).toBeNull()
    expect(Bun.which('npm', { PATH: basePath })).toBeNull()
  })

  test('they pin the version this repository builds', () => {
    for (const name of ['github-actions', 'gitlab-ci', 'dockerfile', 'dockerfile-alpine']) {
      const pins = [...recipeBlock(readme, name).matchAll(/(?:--version |SKIFF_VERSION=|download\/v)(\d+\.\d+\.\d+)/g)].map((match) => match[1])
      expect(pins.length).toBeGreaterThan(0)
      for (const pin of pins) expect(pin).toBe(packageJson.version)
    }
  })

  test('GitHub Actions: the first run fills the store and saves it; the next restores it and downloads no package', async () => {
    const workflow = recipeBlock(readme, 'github-actions')
    const caches: CacheStore = new Map()
    const before = tarballRequests()
    const first = await runGithubWorkflow(workflow, recipeEnv('github-1'), caches)
    expectOk(first)
    expect(first.steps.map((step) => step.stdout).join('')).toContain('cache miss')
    expect(first.steps.at(-1)?.stdout).toContain('tests passed on bun')
    expect(tarballRequests() - before).toBe(2)
    expect(caches.size).toBe(1)

    const afterFirst = tarballRequests()
    const second = await runGithubWorkflow(workflow, recipeEnv('github-2'), caches)
    expectOk(second)
    expect(second.steps.map((step) => step.stdout).join('')).toContain('restored skiff-Linux-')
    expect(second.steps.find((step) => step.step === 'skiff ci')?.stdout).toMatch(/added 2 packages .* 2 from cache/)
    expect(tarballRequests()).toBe(afterFirst)
    expect(caches.size).toBe(1)
  })

  test('GitLab CI: the cache inside the project is saved under the lockfile hash and restored by the next job', async () => {
    const pipeline = recipeBlock(readme, 'gitlab-ci')
    const caches: CacheStore = new Map()
    const first = await runGitlabJob(pipeline, recipeEnv('gitlab-1'), caches)
    expectOk(first)
    expect(first.systemPackages).toEqual(['ca-certificates', 'curl'])
    expect(first.steps[0]?.stdout).toContain('tests passed on bun')
    const afterFirst = tarballRequests()
    const second = await runGitlabJob(pipeline, recipeEnv('gitlab-2'), caches)
    expectOk(second)
    expect(second.steps[0]?.stdout).toMatch(/added 2 packages .* 2 from cache/)
    expect(tarballRequests()).toBe(afterFirst)
  })

  for (const [name, base] of [['dockerfile', 'glibc'], ['dockerfile-alpine', 'Alpine (musl)']] as const) {
    test(`the Dockerfile for ${base}: fetch from the lockfile alone, ci --offline with no request, skiff runs the app`, async () => {
      const env = recipeEnv(name)
      const before = registry.requests.length
      const run = await runDockerfile(recipeBlock(readme, name), env)
      expectOk(run)
      // the whole build asked the registry for one thing: the production package's tarball, in fetch
      expect(registry.requests.slice(before).map((request) => request.path)).toEqual([registry.tarballPath('left', '1.0.0')])
      expect(run.systemPackages).toEqual(name === 'dockerfile' ? ['ca-certificates', 'curl'] : ['libstdc++', 'libgcc', 'curl'])
      const fetch = run.steps.find((step) => step.step === 'RUN skiff fetch --omit=dev')
      expect(fetch?.stdout).toMatch(/^stored 1 package in .* · 1 downloaded/m)
      const ci = run.steps.find((step) => step.step === 'RUN skiff ci --offline --omit=dev')
      expect(ci?.stdout).toMatch(/added 1 package in .* · 1 from cache/)
      const app = run.steps.at(-1)
      expect(app?.step).toBe('CMD ["skiff", "start"]')
      expect(app?.stdout).toContain('serving left 1 on bun ')
      // the image: skiff installed by install.sh, the app with its production tree
      const root = path.join(env.sandbox, 'image')
      expect(fs.existsSync(path.join(root, 'root/.skiff/bin/skiff'))).toBe(true)
      expect(fs.readdirSync(path.join(root, 'app/node_modules')).filter((entry) => !entry.startsWith('.'))).toEqual(['left'])
    })
  }
})
