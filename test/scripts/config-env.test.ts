import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { runSkiff, tempDir } from '../helpers/index.ts'
import { writeProject } from '../registry/index.ts'

// npm 11.19, `npm run env` with this .npmrc and an empty HOME, prints the same lines but for
// npm_config_node_gyp and npm_config_npm_version (npm's own) and its own user agent
describe('npm_config_* in scripts', () => {
  test('only settings that differ from npm defaults, false as empty, and the paths npm resolves', async () => {
    await using tmp = tempDir()
    const dir = writeProject(path.join(tmp.path, 'project'), {
      packageJson: { name: 'app', version: '1.0.0', scripts: { env: 'env | grep ^npm_config_ | sort' } },
      npmrc: 'fund=false\n',
    })
    const home = path.join(tmp.path, 'home')
    const prefix = path.join(tmp.path, 'prefix')
    const run = await runSkiff(dir, ['run', 'env', '--silent'], { home, env: { PREFIX: prefix } })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const lines = run.stdout.trim().split('\n').filter((line) => !line.startsWith('npm_config_user_agent='))
    expect(lines).toEqual([
      'npm_config_allow_scripts=',
      `npm_config_cache=${home}/.npm`,
      'npm_config_fund=',
      `npm_config_global_prefix=${prefix}`,
      `npm_config_globalconfig=${prefix}/etc/npmrc`,
      `npm_config_init_module=${home}/.npm-init.js`,
      `npm_config_local_prefix=${fs.realpathSync(dir)}`,
      'npm_config_loglevel=silent',
      'npm_config_noproxy=',
      `npm_config_prefix=${prefix}`,
      `npm_config_userconfig=${home}/.npmrc`,
    ])
    expect(run.stdout).toMatch(/^npm_config_user_agent=skiff\//m)
  })
})
