/**
 * A machine with no Node.js: skiff's own executable serves as `node` for scripts. The test
 * runs the compiled skiff (SKIFF_TEST_BIN, or one built here) with a PATH that holds only a
 * few shell tools, and every script reports `process.versions.bun`, which real node lacks.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { compiledSkiff, hermeticEnv, tempDir, toolsOnlyPath, type SkiffRun, type TempDir } from '../helpers/index.ts'
import { createTestRegistry, lockfileFor, writeProject, type TestRegistry } from '../registry/index.ts'

const TOOLS = ['sh', 'env', 'cat', 'ls', 'mkdir', 'rm', 'grep', 'sort', 'head', 'tail', 'uname', 'dirname', 'basename', 'sed', 'tr', 'cp', 'mv', 'chmod', 'ln', 'touch', 'sleep']

const report = (label: string) =>
  `require("fs").appendFileSync(process.env.REPORT_FILE, ${JSON.stringify(label)} + " bun=" + process.versions.bun + "\\n")`

let registry: TestRegistry
let work: TempDir
let skiff: string
let noNodePath: string

beforeAll(async () => {
  work = tempDir('skiff-no-node-')
  skiff = await compiledSkiff(path.join(work.path, 'build'))
  noNodePath = toolsOnlyPath(path.join(work.path, 'bin'), TOOLS)
  registry = await createTestRegistry({
    packages: [
      {
        name: 'native-ish',
        version: '1.0.0',
        scripts: { postinstall: 'node install.js' },
        bin: { greet: 'bin/greet.js' },
        files: {
          'install.js': `${report('postinstall')}\nrequire("fs").writeFileSync("built.txt", "built by " + process.execPath)\n`,
          'bin/greet.js': `#!/usr/bin/env node\n${report('bin')}\n`,
        },
      },
    ],
  })
}, 120_000)

afterAll(async () => {
  await registry.close()
  await work[Symbol.asyncDispose]()
})

async function runWithoutNode(cwd: string, args: string[], env: Record<string, string>): Promise<SkiffRun> {
  const child = Bun.spawn([skiff, ...args], {
    cwd,
    env: hermeticEnv(cwd, { registry: registry.url, env: { ...env, PATH: noNodePath } }),
    stdout: 'pipe',
    stderr: 'pipe',
    stdin: 'ignore',
  })
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  return { code, stdout, stderr }
}

describe('no Node.js on PATH', () => {
  test('ci runs `node install.js`, and run reaches node -e, node <file>, #!/usr/bin/env node bins and npm run, all on skiff’s Bun', async () => {
    expect(Bun.which('node', { PATH: noNodePath })).toBeNull()
    await using tmp = tempDir()
    const packageJson = {
      name: 'app',
      version: '1.0.0',
      dependencies: { 'native-ish': '1.0.0' },
      allowScripts: { 'native-ish': true },
      scripts: {
        build: 'npm run checks',
        checks: `node -e '${report('node -e')}' && node tool.js && greet && node "$npm_execpath" run last`,
        last: `node -e '${report('npm_execpath')}'`,
      },
    }
    const dir = writeProject(path.join(tmp.path, 'project'), { packageJson, lockfile: lockfileFor(registry, packageJson, [{ name: 'native-ish', version: '1.0.0' }]) })
    fs.writeFileSync(path.join(dir, 'tool.js'), `${report('node tool.js')}\n`)
    const reportFile = path.join(tmp.path, 'report')
    const env = { REPORT_FILE: reportFile }

    const ci = await runWithoutNode(dir, ['ci'], env)
    expect(ci.stderr).toBe('')
    expect(ci.code).toBe(0)
    expect(fs.readFileSync(path.join(dir, 'node_modules/native-ish/built.txt'), 'utf8')).toBe(`built by ${fs.realpathSync(skiff)}`)

    const run = await runWithoutNode(dir, ['run', 'build'], env)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(fs.readFileSync(reportFile, 'utf8').trim().split('\n')).toEqual([
      `postinstall bun=${Bun.version}`,
      `node -e bun=${Bun.version}`,
      `node tool.js bun=${Bun.version}`,
      `bin bun=${Bun.version}`,
      `npm_execpath bun=${Bun.version}`,
    ])
  }, 120_000)
})
