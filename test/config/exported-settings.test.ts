import { describe, expect, test } from 'bun:test'
import { exportedSettings } from '../../src/config/exported-settings.ts'
import { layerFromEnv, layerFromFlags, layerFromNpmrc } from '../../src/config/layers.ts'

// What npm 11.19 passes to `npm run env` (@npmcli/config set-envs), for the same settings.
const context = { home: '/home/u', globalconfig: '/usr/etc/npmrc', userconfig: '/home/u/.npmrc', globalPrefix: '/usr', userAgent: 'skiff/0.1.0' }
const always = {
  'allow-scripts': '',
  cache: '/home/u/.npm',
  globalconfig: '/usr/etc/npmrc',
  'init-module': '/home/u/.npm-init.js',
  noproxy: '',
  prefix: '/usr',
  'user-agent': 'skiff/0.1.0',
  userconfig: '/home/u/.npmrc',
}

function exported(npmrc: string, env: Record<string, string> = {}, flags: Record<string, string | boolean | string[]> = {}): Record<string, string> {
  const layerContext = { env, home: '/home/u', baseDir: '/p' }
  return exportedSettings([layerFromNpmrc(npmrc, '/p/.npmrc', 'project', layerContext), layerFromEnv(layerContext), layerFromFlags(flags, layerContext)], context)
}

describe('exportedSettings', () => {
  test('with nothing set, only the paths npm resolves, its user agent, and noproxy and allow-scripts as empty strings', () => {
    expect(exported('')).toEqual(always)
  })

  test("settings that differ from npm's defaults, false as '' (npm's switches included), lists joined by a blank line", () => {
    expect(exported('fund=false\nsave-exact=true\nomit[]=dev\nomit[]=optional\nregistry=https://r.example/\nsomething-new=value\n')).toEqual({
      ...always,
      fund: '',
      omit: 'dev\n\noptional',
      registry: 'https://r.example/',
      'save-exact': 'true',
      'something-new': 'value',
    })
  })

  test('a setting equal to its default is not passed, whatever spells it', () => {
    expect(exported('registry=https://registry.npmjs.org/\nfund=true\nignore-scripts=false\nsave-prefix=^\n')).toEqual(always)
  })

  test('one the environment carries is left to inheritance, unless a flag changed it; a flag back to the default over it is passed', () => {
    const { cache: _inherited, ...withoutCache } = always
    expect(exported('', { npm_config_save_exact: 'true', npm_config_cache: '/c' })).toEqual(withoutCache)
    expect(exported('', { npm_config_save_exact: 'true' }, { 'save-exact': false })).toEqual({ ...always, 'save-exact': '' })
    expect(exported('', { npm_config_loglevel: 'warn' }, { loglevel: 'silent' })).toEqual({ ...always, loglevel: 'silent' })
  })

  test('never credentials, scoped or private keys, deprecated settings or the ones npm does not export', () => {
    const npmrc = '//r.example/:_authToken=secret\n@s:registry=https://s.example/\n_private=x\ndev=true\nworkspace=a\nif-present=true\n'
    expect(exported(npmrc)).toEqual(always)
  })
})
