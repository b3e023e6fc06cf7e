import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { hermeticEnv, runSkiff, skiffCommand, tempDir } from '../helpers/index.ts'
import { writeProject } from '../registry/index.ts'

const record = 'echo "$npm_package_name:$npm_lifecycle_event:$npm_command:$*" >> "$ORDER_FILE"'

function project(dir: string, scripts: Record<string, string>, extra: Record<string, unknown> = {}): string {
  return writeProject(path.join(dir, 'project'), { packageJson: { name: 'app', version: '1.0.0', scripts, ...extra } })
}

function lines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').filter((line) => line !== '') : []
}

describe('skiff run', () => {
  test('runs pre<event>, the event with the arguments after --, then post<event>', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path, { prebuild: record, build: record, postbuild: record })
    const orderFile = path.join(tmp.path, 'order')
    const run = await runSkiff(dir, ['run', 'build', '--', '--watch', 'two words'], { env: { ORDER_FILE: orderFile } })
    expect(run.code).toBe(0)
    // the arguments are appended to the script, quoted for sh (npm's way), so echo prints them
    expect(lines(orderFile)).toEqual(['app:prebuild:run:', 'app:build:run: --watch two words', 'app:postbuild:run:'])
    expect(run.stdout).toContain(`\n> app@1.0.0 build\n> ${record} --watch two words\n`)
  })

  test('passes the exit code of a failing script through and skips what follows it', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path, { lint: 'exit 42', postlint: record })
    const orderFile = path.join(tmp.path, 'order')
    const run = await runSkiff(dir, ['run', 'lint'], { env: { ORDER_FILE: orderFile } })
    expect(run.code).toBe(42)
    expect(run.stderr).toContain('Lifecycle script `lint` failed with exit code 42')
    expect(lines(orderFile)).toEqual([])
  })

  test('test, start, stop and restart are runs of their scripts; restart defaults to stop then start', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path, { test: record, start: record, stop: record })
    const orderFile = path.join(tmp.path, 'order')
    for (const command of ['test', 't', 'start', 'restart']) {
      expect((await runSkiff(dir, [command], { env: { ORDER_FILE: orderFile } })).code).toBe(0)
    }
    expect(lines(orderFile)).toEqual(['app:test:test:', 'app:test:test:', 'app:start:start:', 'app:stop:stop:', 'app:start:start:'])
  })

  test('a missing script fails naming it and close names; --if-present makes it a no-op', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path, { build: 'true' })
    const missing = await runSkiff(dir, ['run', 'buidl'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('error EMISSINGSCRIPT Missing script: "buidl"')
    expect((await runSkiff(dir, ['run', 'buil'])).stderr).toContain('  skiff run build')
    expect((await runSkiff(dir, ['run', 'buidl', '--if-present'])).code).toBe(0)
  })

  test('--ignore-scripts skips pre and post scripts but runs the one asked for', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path, { prebuild: record, build: record })
    const orderFile = path.join(tmp.path, 'order')
    expect((await runSkiff(dir, ['run', 'build', '--ignore-scripts'], { env: { ORDER_FILE: orderFile } })).code).toBe(0)
    expect(lines(orderFile)).toEqual(['app:build:run:'])
  })

  test('with no script name lists the scripts as npm does', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path, { test: 'bun test', build: 'tsc', lint: 'eslint .' })
    const run = await runSkiff(dir, ['run'])
    expect(run.code).toBe(0)
    expect(run.stdout).toBe(['Lifecycle scripts included in app@1.0.0:', '  test', '    bun test', 'available via `skiff run`:', '  build', '    tsc', '  lint', '    eslint .', ''].join('\n'))
    expect(JSON.parse((await runSkiff(dir, ['run', '--json'])).stdout)).toEqual({ test: 'bun test', build: 'tsc', lint: 'eslint .' })
  })

  test('--workspaces runs in every workspace, a workspace after the workspaces it depends on', async () => {
    await using tmp = tempDir()
    const dir = project(tmp.path, {}, { workspaces: ['packages/*'] })
    const workspace = (name: string, dependencies: Record<string, string>) =>
      writeProject(path.join(dir, 'packages', name), { packageJson: { name, version: '1.0.0', dependencies, scripts: { build: record } } })
    workspace('a-app', { 'z-lib': '1.0.0' })
    workspace('m-cli', { 'a-app': '1.0.0' })
    workspace('z-lib', {})
    const orderFile = path.join(tmp.path, 'order')
    const run = await runSkiff(dir, ['run', 'build', '--workspaces'], { env: { ORDER_FILE: orderFile } })
    expect(run.code).toBe(0)
    expect(lines(orderFile)).toEqual(['z-lib:build:run:', 'a-app:build:run:', 'm-cli:build:run:'])
    expect((await runSkiff(dir, ['run', 'build', '-w', 'm-cli'], { env: { ORDER_FILE: orderFile } })).code).toBe(0)
    expect(lines(orderFile).at(-1)).toBe('m-cli:build:run:')
  })

  test('Ctrl-C goes to the running script, and skiff ends as it did', async () => {
    await using tmp = tempDir()
    const started = path.join(tmp.path, 'started')
    const caught = path.join(tmp.path, 'caught')
    const dir = project(tmp.path, { serve: `trap 'echo INT > "${caught}"; exit 130' INT; touch "${started}"; while true; do sleep 0.05; done` })
    const child = Bun.spawn([...skiffCommand(), 'run', 'serve'], { cwd: dir, env: hermeticEnv(dir), stdout: 'pipe', stderr: 'pipe' })
    while (!fs.existsSync(started)) await Bun.sleep(20)
    child.kill('SIGINT')
    const code = await child.exited
    expect(fs.readFileSync(caught, 'utf8').trim()).toBe('INT')
    expect(code).toBe(130)
  })
})
