import { afterEach, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type Config, loadConfig } from '../../src/config/index.ts'
import { isSkiffError, type SkiffError } from '../../src/error/index.ts'

interface Setup {
  global?: string
  user?: string
  project?: string
  env?: Record<string, string>
  flags?: Record<string, string | boolean | string[] | undefined>
  /** folder under the project to run from */
  subdir?: string
}

const temps: string[] = []
afterEach(() => {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

/** A temp machine: <root>/prefix/etc/npmrc, <root>/home/.npmrc, <root>/proj/{package.json,.npmrc}. */
function machine(setup: Setup) {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-')))
  temps.push(root)
  const home = path.join(root, 'home')
  const proj = path.join(root, 'proj')
  fs.mkdirSync(path.join(root, 'prefix', 'etc'), { recursive: true })
  fs.mkdirSync(home)
  fs.mkdirSync(path.join(proj, setup.subdir ?? ''), { recursive: true })
  fs.writeFileSync(path.join(proj, 'package.json'), '{"name":"proj","version":"1.0.0"}')
  if (setup.global !== undefined) fs.writeFileSync(path.join(root, 'prefix', 'etc', 'npmrc'), setup.global)
  if (setup.user !== undefined) fs.writeFileSync(path.join(home, '.npmrc'), setup.user)
  if (setup.project !== undefined) fs.writeFileSync(path.join(proj, '.npmrc'), setup.project)
  const env = { PATH: '', PREFIX: path.join(root, 'prefix'), ...setup.env }
  return { root, home, proj, env }
}

async function load(setup: Setup): Promise<Config & { paths: ReturnType<typeof machine> }> {
  const paths = machine(setup)
  const config = await loadConfig({
    cwd: path.join(paths.proj, setup.subdir ?? ''),
    env: paths.env,
    home: paths.home,
    flags: setup.flags ?? {},
  })
  return Object.assign(Object.create(config) as Config, { paths })
}

async function loadError(setup: Setup): Promise<SkiffError> {
  try {
    await load(setup)
  } catch (error) {
    if (isSkiffError(error)) return error
    throw error
  }
  throw new Error('loadConfig did not fail')
}

describe('precedence: defaults < global < user < project < env < flags', () => {
  const cases: Array<[string, Setup, string]> = [
    ['the default registry is npm', {}, 'https://registry.npmjs.org/'],
    ['global npmrc over defaults', { global: 'registry=https://g.example' }, 'https://g.example/'],
    ['user over global', { global: 'registry=https://g.example/', user: 'registry=https://u.example/' }, 'https://u.example/'],
    ['project over user', { user: 'registry=https://u.example/', project: 'registry=https://p.example/' }, 'https://p.example/'],
    ['env over project', { project: 'registry=https://p.example/', env: { npm_config_registry: 'https://e.example/' } }, 'https://e.example/'],
    ['env names are case-insensitive', { env: { NPM_CONFIG_REGISTRY: 'https://E.example/' } }, 'https://E.example/'],
    ['flags over env', { env: { npm_config_registry: 'https://e.example/' }, flags: { registry: 'https://f.example' } }, 'https://f.example/'],
    ['an empty env value is not a setting', { project: 'registry=https://p.example/', env: { npm_config_registry: '' } }, 'https://p.example/'],
    ['trailing slashes are normalised to one', { project: 'registry=https://p.example/npm//' }, 'https://p.example/npm/'],
  ]
  for (const [name, setup, registry] of cases) {
    test(name, async () => expect((await load(setup)).registry).toBe(registry))
  }

  test('npm_config_* underscores become dashes', async () => {
    const config = await load({ env: { npm_config_fetch_retries: '7', npm_config_ignore_scripts: 'true' } })
    expect(config.fetchRetries).toBe(7)
    expect(config.ignoreScripts).toBe(true)
  })

  test('camelCase flags are read as their kebab-case settings', async () => {
    const config = await load({ flags: { ignoreScripts: true, fetchRetries: '0', legacyPeerDeps: true } })
    expect([config.ignoreScripts, config.fetchRetries, config.legacyPeerDeps]).toEqual([true, 0, true])
  })

  test('userconfig from env moves the user file', async () => {
    const paths = machine({})
    const other = path.join(paths.root, 'other-npmrc')
    fs.writeFileSync(other, 'registry=https://moved.example/')
    const config = await loadConfig({ cwd: paths.proj, env: { ...paths.env, npm_config_userconfig: other }, home: paths.home, flags: {} })
    expect(config.registry).toBe('https://moved.example/')
    expect(config.files).toEqual([other, path.join(paths.proj, '.npmrc')].filter((file) => fs.existsSync(file)))
  })

  test('globalconfig from user config moves the global file', async () => {
    const paths = machine({})
    const globalFile = path.join(paths.root, 'g-npmrc')
    fs.writeFileSync(globalFile, 'fetch-retries=5')
    fs.writeFileSync(path.join(paths.home, '.npmrc'), `globalconfig=${globalFile}`)
    const config = await loadConfig({ cwd: paths.proj, env: paths.env, home: paths.home, flags: {} })
    expect(config.fetchRetries).toBe(5)
    expect(config.files).toEqual([globalFile, path.join(paths.home, '.npmrc')])
  })

  test('npm_config_prefix locates the global npmrc under <prefix>/etc/npmrc', async () => {
    const paths = machine({})
    fs.mkdirSync(path.join(paths.root, 'p2', 'etc'), { recursive: true })
    fs.writeFileSync(path.join(paths.root, 'p2', 'etc', 'npmrc'), 'loglevel=warn')
    const env = { ...paths.env, npm_config_prefix: path.join(paths.root, 'p2') }
    const config = await loadConfig({ cwd: paths.proj, env, home: paths.home, flags: {} })
    expect(config.loglevel).toBe('warn')
  })

  test('the project .npmrc is read from the project root when run in a subfolder', async () => {
    const config = await load({ project: 'registry=https://p.example/', subdir: 'src/deep' })
    expect(config.projectDir).toBe(config.paths.proj)
    expect(config.registry).toBe('https://p.example/')
  })
})

describe('project root', () => {
  test('a workspace member resolves to the workspace root', async () => {
    const paths = machine({ project: 'registry=https://root.example/' })
    fs.writeFileSync(path.join(paths.proj, 'package.json'), '{"name":"root","workspaces":["packages/*"]}')
    const member = path.join(paths.proj, 'packages', 'a')
    fs.mkdirSync(member, { recursive: true })
    fs.writeFileSync(path.join(member, 'package.json'), '{"name":"a"}')
    const config = await loadConfig({ cwd: member, env: paths.env, home: paths.home, flags: {} })
    expect(config.projectDir).toBe(paths.proj)
    expect(config.registry).toBe('https://root.example/')
  })

  test('a nested package that is not a workspace is its own root', async () => {
    const paths = machine({})
    const nested = path.join(paths.proj, 'tools', 'x')
    fs.mkdirSync(nested, { recursive: true })
    fs.writeFileSync(path.join(nested, 'package.json'), '{"name":"x"}')
    const config = await loadConfig({ cwd: nested, env: paths.env, home: paths.home, flags: {} })
    expect(config.projectDir).toBe(nested)
  })

  test('--prefix sets the project root', async () => {
    const paths = machine({})
    const config = await loadConfig({ cwd: paths.root, env: paths.env, home: paths.home, flags: { prefix: paths.proj } })
    expect(config.projectDir).toBe(paths.proj)
  })
})

describe('the global prefix', () => {
  const withoutPrefixEnv = (env: Record<string, string>) => Object.fromEntries(Object.entries(env).filter(([key]) => key !== 'PREFIX'))

  test('-g: the project is <prefix>/lib, and the project .npmrc is not read', async () => {
    const paths = machine({ project: 'registry=https://project.example/\n' })
    const config = await loadConfig({ cwd: paths.proj, env: paths.env, home: paths.home, flags: { global: true } })
    expect(config.global).toBe(true)
    expect(config.globalPrefix).toBe(path.join(paths.root, 'prefix'))
    expect(config.projectDir).toBe(path.join(paths.root, 'prefix', 'lib'))
    expect(config.registry).toBe('https://registry.npmjs.org/')
  })

  test('without prefix or PREFIX: beside skiff when its executable is in a bin folder outside node_modules, else beside node', async () => {
    const paths = machine({})
    const env = withoutPrefixEnv(paths.env)
    const own = path.join(paths.root, '.skiff', 'bin', 'skiff')
    const beside = await loadConfig({ cwd: paths.proj, env, home: paths.home, flags: { global: true }, executable: own })
    expect(beside.globalPrefix).toBe(path.join(paths.root, '.skiff'))
    const fakeNode = path.join(paths.root, 'node-prefix', 'bin')
    fs.mkdirSync(fakeNode, { recursive: true })
    fs.writeFileSync(path.join(fakeNode, 'node'), '')
    const inNodeModules = path.join(paths.root, 'lib', 'node_modules', '@skiff', 'linux-x64', 'bin', 'skiff')
    const npmInstalled = await loadConfig({ cwd: paths.proj, env: { ...env, PATH: fakeNode }, home: paths.home, flags: { global: true }, executable: inNodeModules })
    expect(npmInstalled.globalPrefix).toBe(path.join(paths.root, 'node-prefix'))
  })

  test('prefix from the user .npmrc, npm_config_prefix and --prefix win over the default, in that order', async () => {
    const user = await load({ user: 'prefix=/from/user\n', flags: { global: true } })
    expect(user.globalPrefix).toBe('/from/user')
    const env = await load({ user: 'prefix=/from/user\n', env: { npm_config_prefix: '/from/env' }, flags: { global: true } })
    expect(env.globalPrefix).toBe('/from/env')
    const flag = await load({ env: { npm_config_prefix: '/from/env' }, flags: { global: true, prefix: '/from/flag' } })
    expect(flag.globalPrefix).toBe('/from/flag')
    expect(flag.projectDir).toBe('/from/flag/lib')
  })
})

describe('scoped registries', () => {
  test('@scope:registry maps the scope, other packages use the default', async () => {
    const config = await load({ project: '@corp:registry=https://corp.example/npm\nregistry=https://d.example/' })
    expect([...config.scopeRegistries]).toEqual([['@corp', 'https://corp.example/npm/']])
    expect(config.registryFor('@corp/a')).toBe('https://corp.example/npm/')
    expect(config.registryFor('@other/a')).toBe('https://d.example/')
    expect(config.registryFor('plain')).toBe('https://d.example/')
  })

  test('a scope registry from env', async () => {
    const config = await load({ env: { 'npm_config_@corp:registry': 'https://corp.example/' } })
    expect(config.registryFor('@corp/a')).toBe('https://corp.example/')
  })
})

describe('auth from .npmrc', () => {
  test('a token expanded from ${VAR} is sent to its registry only', async () => {
    const config = await load({
      project: '@corp:registry=https://corp.example/npm/\n//corp.example/npm/:_authToken=${CORP_TOKEN}',
      env: { CORP_TOKEN: 'sekrit-token' },
    })
    const tarball = 'https://corp.example/npm/@corp/a/-/a-1.0.0.tgz'
    expect(config.authFor(tarball, config.registryFor('@corp/a'))).toEqual({ authorization: 'Bearer sekrit-token' })
    expect(config.authFor('https://registry.npmjs.org/a')).toEqual({})
    expect(config.authKeyFor(tarball)).toBe('//corp.example/npm/:_authToken')
  })

  test('authKeyFor names the key that would carry a token when none is set', async () => {
    const config = await load({ project: 'registry=https://d.example/repo/' })
    expect(config.authKeyFor('https://d.example/repo/a')).toBe('//d.example/repo/:_authToken')
  })

  test('secrets are kept out of raw and removed by redact', async () => {
    const config = await load({
      user: '//r.example/:_authToken=npm-token-abcdef\n//r.example/:username=me\n//r.example/:_password=cGFzc3dvcmQx',
      project: 'registry=https://r.example/',
    })
    expect(JSON.stringify(config.raw)).not.toContain('npm-token-abcdef')
    expect(Object.keys(config.raw).some((key) => key.startsWith('//'))).toBe(false)
    expect(config.redact('token npm-token-abcdef and password1 here')).toBe('token *** and *** here')
  })

  for (const key of ['_authToken', '_auth', '_password']) {
    test(`a top-level ${key} in an .npmrc is ECONFIG naming the key to rename it to`, async () => {
      const error = await loadError({ project: `registry=https://d.example/\n${key}=abc12345` })
      expect(error.code).toBe('ECONFIG')
      expect(error.message).toContain('.npmrc:2')
      expect(error.hint).toContain(`//d.example/:${key}`)
      expect(`${error.message}${error.hint}${(error.details.lines ?? []).join()}`).not.toContain('abc12345')
    })
  }
})

describe('typed values', () => {
  test('numbers and booleans are typed as npm defines them', async () => {
    const config = await load({
      project: 'fetch-retries=5\nfetch-retry-mintimeout=10\nstrict-ssl=false\nprefer-offline\noffline=0',
    })
    expect(config.fetchRetries).toBe(5)
    expect(config.fetchRetryMintimeout).toBe(10)
    expect(config.strictSsl).toBe(false)
    expect(config.preferOffline).toBe(true)
    expect(config.offline).toBe(false)
  })

  test('defaults are npm defaults', async () => {
    const config = await load({})
    expect({
      fetchRetries: config.fetchRetries,
      factor: config.fetchRetryFactor,
      min: config.fetchRetryMintimeout,
      max: config.fetchRetryMaxtimeout,
      timeout: config.fetchTimeout,
      strictSsl: config.strictSsl,
      replaceRegistryHost: config.replaceRegistryHost,
      loglevel: config.loglevel,
    }).toEqual({
      fetchRetries: 2, factor: 10, min: 10_000, max: 60_000, timeout: 300_000,
      strictSsl: true, replaceRegistryHost: 'npmjs', loglevel: 'notice',
    })
  })

  test('ca values and the certificates in cafile together make ca', async () => {
    const paths = machine({})
    const pem = (n: number) => `-----BEGIN CERTIFICATE-----\nMII${n}\n-----END CERTIFICATE-----`
    fs.writeFileSync(path.join(paths.root, 'bundle.pem'), `${pem(2)}\n${pem(3)}\n`)
    fs.writeFileSync(path.join(paths.proj, '.npmrc'), `ca[]="${pem(1).replace(/\n/g, '\\n')}"\ncafile=../bundle.pem`)
    const config = await loadConfig({ cwd: paths.proj, env: paths.env, home: paths.home, flags: {} })
    expect(config.ca).toEqual([pem(1), pem(2), pem(3)])
  })

  test('noproxy comes from the setting, else from NO_PROXY', async () => {
    expect((await load({ project: 'noproxy=a.example, .b.example' })).noproxy).toEqual(['a.example', '.b.example'])
    expect((await load({ env: { NO_PROXY: 'c.example,d.example' } })).noproxy).toEqual(['c.example', 'd.example'])
  })

  test('proxy settings and the proxy environment are kept apart', async () => {
    const config = await load({ project: 'https-proxy=http://proxy.example:3128', env: { HTTP_PROXY: 'http://envproxy:1' } })
    expect(config.httpsProxy).toBe('http://proxy.example:3128')
    expect(config.proxy).toBeNull()
    expect(config.proxyEnv).toEqual({ httpsProxy: null, httpProxy: 'http://envproxy:1' })
  })

  test('keys inside a [section] are ignored with a warning, as npm does', async () => {
    const config = await load({ project: '[stuff]\nregistry=https://ignored.example/' })
    expect(config.registry).toBe('https://registry.npmjs.org/')
    expect(config.warnings.join('\n')).toContain('[stuff]')
  })

  test('an unset ${VAR} is kept as written and warned about', async () => {
    const config = await load({ project: 'user-agent=ua-${NOT_SET}' })
    expect(config.userAgent).toBe('ua-${NOT_SET}')
    expect(config.warnings.join('\n')).toContain('${NOT_SET} is not set')
  })

  test('raw exports every setting as a string for scripts', async () => {
    const config = await load({ project: 'omit[]=dev\nomit[]=optional\nsome-tool-key=x' })
    expect(config.raw.omit).toBe('dev\n\noptional')
    expect(config.raw['some-tool-key']).toBe('x')
    expect(config.raw['fetch-retries']).toBe('2')
    expect(Object.isFrozen(config.raw)).toBe(true)
  })

  test('the config is frozen', async () => {
    const paths = machine({})
    const config = await loadConfig({ cwd: paths.proj, env: paths.env, home: paths.home, flags: {} })
    expect(Object.isFrozen(config)).toBe(true)
  })
})

describe('errors name the file and line', () => {
  const cases: Array<[string, Setup, string, string]> = [
    ['a number setting that is not a number', { project: 'a=1\nfetch-retries=lots' }, '.npmrc:2', 'fetch-retries must be a number'],
    ['a registry that is not a URL', { user: 'registry=not a url' }, '.npmrc:1', 'registry must be a URL'],
    ['a scope registry that is not a URL', { project: '@x:registry=nope' }, '.npmrc:1', '@x:registry must be a URL'],
    ['an unknown loglevel', { global: '\n\nloglevel=loud' }, 'npmrc:3', 'loglevel must be one of'],
    ['an unknown omit type', { project: 'omit=tests' }, '.npmrc:1', 'omit must be a list of dev, optional, peer'],
    ['a malformed line', { project: 'registry=https://x.example/\n=value' }, '.npmrc:2', 'no key before "="'],
    ['a bad env value, naming the variable', { env: { npm_config_fetch_timeout: 'soon' } }, 'npm_config_fetch_timeout', 'fetch-timeout must be a number'],
    ['a bad flag, naming the flag', { flags: { 'fetch-retries': 'x' } }, '--fetch-retries', 'fetch-retries must be a number'],
  ]
  for (const [name, setup, where, fact] of cases) {
    test(name, async () => {
      const error = await loadError(setup)
      expect(error.code).toBe('ECONFIG')
      expect(error.message).toContain(where)
      expect(error.message).toContain(fact)
    })
  }
})

describe('omit and include (npm buildOmitList)', () => {
  const cases: Array<[string, Setup, string[], string[]]> = [
    ['nothing omitted by default', {}, [], []],
    ['NODE_ENV=production omits dev', { env: { NODE_ENV: 'production' } }, ['dev'], []],
    ['NODE_ENV=production with include=dev omits nothing', { env: { NODE_ENV: 'production' }, flags: { include: ['dev'] } }, [], ['dev']],
    ['an explicit omit replaces the NODE_ENV default', { env: { NODE_ENV: 'production' }, flags: { omit: ['optional'] } }, ['optional'], []],
    ['omit from .npmrc', { project: 'omit=dev' }, ['dev'], []],
    ['omit list from .npmrc lines', { project: 'omit[]=dev\nomit[]=peer' }, ['dev', 'peer'], []],
    ['omit from env', { env: { npm_config_omit: 'optional' } }, ['optional'], []],
    ['include wins over omit', { flags: { omit: ['dev', 'optional'], include: ['optional'] } }, ['dev'], ['optional']],
    ['--production omits dev', { flags: { production: true } }, ['dev'], []],
    ['--only=prod omits dev', { flags: { only: 'prod' } }, ['dev'], []],
    ['--production=false includes dev', { env: { NODE_ENV: 'production' }, flags: { production: false } }, [], ['dev']],
    ['--no-optional omits optional', { flags: { optional: false } }, ['optional'], []],
  ]
  for (const [name, setup, omit, include] of cases) {
    test(name, async () => {
      const config = await load(setup)
      expect([...config.omit].sort() as string[]).toEqual(omit)
      expect([...config.include].sort() as string[]).toEqual(include)
    })
  }
})

describe('cache root', () => {
  test('SKIFF_CACHE_DIR, else XDG_CACHE_HOME/skiff, else ~/.cache/skiff; --cache over all', async () => {
    expect((await load({ env: { SKIFF_CACHE_DIR: '/c1', XDG_CACHE_HOME: '/x' } })).cache).toBe('/c1')
    expect((await load({ env: { XDG_CACHE_HOME: '/x' } })).cache).toBe('/x/skiff')
    const plain = await load({})
    expect(plain.cache).toBe(path.join(plain.paths.home, '.cache', 'skiff'))
    expect((await load({ env: { SKIFF_CACHE_DIR: '/c1' }, flags: { cache: '/flag' } })).cache).toBe('/flag')
  })

  test("npm's own cache setting does not move skiff's cache", async () => {
    const config = await load({ project: 'cache=/npm-cache', env: { SKIFF_CACHE_DIR: '/c1' } })
    expect(config.cache).toBe('/c1')
  })
})
