import { describe, expect, test } from 'bun:test'
import { commonScriptEnv, packageEnv, scriptEnv, scriptPath, shellQuote } from '../../src/scripts/script-env.ts'

describe('scriptEnv', () => {
  const common = commonScriptEnv({
    settings: { registry: 'https://r.example/', 'ignore-scripts': '', 'script-shell': '' },
    globalPrefix: '/usr/local',
    userAgent: 'skiff/0.1.0 bun/1.4.5 linux x64 workspaces/false',
    projectDir: '/p',
    initCwd: '/p/sub',
    command: 'ci',
    nodeExecPath: '/shims/node',
    npmExecPath: '/shims/npm-cli.js',
    color: false,
  })

  test('holds what npm sets for a dependency script', () => {
    const env = scriptEnv({
      baseEnv: { HOME: '/home/u', PATH: '/usr/bin:/bin', BUN_BE_BUN: '1', npm_config_registry: 'https://old/' },
      common,
      dir: '/p/node_modules/dep',
      event: 'postinstall',
      script: 'node install.js',
      manifest: { name: 'dep', version: '1.2.3', description: 'not exported', config: { port: 8080 }, engines: { node: '>=18' }, bin: { dep: 'cli.js' } },
      extra: { npm_package_resolved: 'https://r.example/dep/-/dep-1.2.3.tgz', npm_package_optional: '' },
      shimPaths: ['/shims/bin'],
    })
    expect(env).toMatchObject({
      HOME: '/home/u',
      npm_config_registry: 'https://r.example/',
      npm_config_ignore_scripts: '',
      npm_config_user_agent: 'skiff/0.1.0 bun/1.4.5 linux x64 workspaces/false',
      npm_config_local_prefix: '/p',
      INIT_CWD: '/p/sub',
      npm_command: 'ci',
      npm_execpath: '/shims/npm-cli.js',
      npm_node_execpath: '/shims/node',
      NODE: '/shims/node',
      npm_package_name: 'dep',
      npm_package_version: '1.2.3',
      npm_package_config_port: '8080',
      npm_package_engines_node: '>=18',
      npm_package_bin_dep: 'cli.js',
      npm_package_resolved: 'https://r.example/dep/-/dep-1.2.3.tgz',
      npm_package_optional: '',
      npm_package_json: '/p/node_modules/dep/package.json',
      npm_lifecycle_event: 'postinstall',
      npm_lifecycle_script: 'node install.js',
      PATH: '/p/node_modules/dep/node_modules/.bin:/p/node_modules/node_modules/.bin:/p/node_modules/.bin:/node_modules/.bin:/shims/bin:/usr/bin:/bin',
    })
    expect(env.npm_package_description).toBeUndefined()
    expect(env.BUN_BE_BUN).toBeUndefined()
  })

  test('packageEnv flattens arrays and nested objects, false and null as empty', () => {
    expect(packageEnv({ name: 'a', config: { list: ['x', 'y'], deep: { on: false, off: null } } })).toEqual({
      npm_package_name: 'a',
      npm_package_config_list_0: 'x',
      npm_package_config_list_1: 'y',
      npm_package_config_deep_on: '',
      npm_package_config_deep_off: '',
    })
  })

  test('PATH: extra bin folders first, then every node_modules/.bin up to the root, the shims, the rest', () => {
    expect(scriptPath('/a/b', ['/cache/x/node_modules/.bin'], ['/shims'], '/usr/bin')).toBe(
      '/cache/x/node_modules/.bin:/a/b/node_modules/.bin:/a/node_modules/.bin:/node_modules/.bin:/shims:/usr/bin',
    )
  })

  test('arguments are quoted for sh only when they need it', () => {
    expect(['--watch', 'a b', "it's", '', '$HOME'].map(shellQuote)).toEqual(['--watch', "'a b'", `'it'\\''s'`, "''", "'$HOME'"])
  })
})
