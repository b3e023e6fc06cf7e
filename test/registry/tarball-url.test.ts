import { describe, expect, test } from 'bun:test'
import { replaceRegistryHost, tarballUrl } from '../../src/registry/tarball-url.ts'

const NPM = 'https://registry.npmjs.org'
const config = (registry: string, replace = 'npmjs', scopes: Record<string, string> = {}) => ({
  registry,
  replaceRegistryHost: replace,
  registryFor: (name: string) => scopes[name.split('/')[0] ?? ''] ?? registry,
})

describe('replace-registry-host rewrites resolved URLs as npm 11 does', () => {
  const cases: Array<[string, string, string, string, string]> = [
    ['npmjs (default) moves registry.npmjs.org onto the configured registry',
      'npmjs', 'https://mirror.example/', `${NPM}/a/-/a-1.0.0.tgz`, 'https://mirror.example/a/-/a-1.0.0.tgz'],
    ['the registry path is prefixed',
      'npmjs', 'https://mirror.example/npm/proxy/', `${NPM}/@s/a/-/a-1.0.0.tgz`, 'https://mirror.example/npm/proxy/@s/a/-/a-1.0.0.tgz'],
    ['the registry protocol and port are taken',
      'npmjs', 'http://127.0.0.1:4873/', `${NPM}/a/-/a-1.0.0.tgz`, 'http://127.0.0.1:4873/a/-/a-1.0.0.tgz'],
    ['other hosts are left alone under npmjs',
      'npmjs', 'https://mirror.example/', 'https://cdn.example/a.tgz', 'https://cdn.example/a.tgz'],
    ['never leaves registry.npmjs.org alone',
      'never', 'https://mirror.example/', `${NPM}/a/-/a-1.0.0.tgz`, `${NPM}/a/-/a-1.0.0.tgz`],
    ['always moves any host',
      'always', 'https://mirror.example/r/', 'https://old.example/a/-/a-1.0.0.tgz', 'https://mirror.example/r/a/-/a-1.0.0.tgz'],
    ['a hostname setting moves that host only',
      'old.example', 'https://mirror.example/', 'https://old.example/a/-/a-1.0.0.tgz', 'https://mirror.example/a/-/a-1.0.0.tgz'],
    ['a hostname setting leaves registry.npmjs.org alone',
      'old.example', 'https://mirror.example/', `${NPM}/a/-/a-1.0.0.tgz`, `${NPM}/a/-/a-1.0.0.tgz`],
    ['a URL setting swaps its path prefix for the registry path',
      'https://old.example/npm/', 'https://new.example/api/npm/', 'https://old.example/npm/a/-/a-1.0.0.tgz', 'https://new.example/api/npm/a/-/a-1.0.0.tgz'],
    ['a URL setting leaves URLs outside its path alone',
      'https://old.example/npm/', 'https://new.example/', 'https://old.example/other/a.tgz', 'https://old.example/other/a.tgz'],
    ['a path already under the registry path is not prefixed twice',
      'always', 'https://mirror.example/r/', 'https://old.example/r/a/-/a-1.0.0.tgz', 'https://mirror.example/r/a/-/a-1.0.0.tgz'],
    ['the query string is kept',
      'npmjs', 'https://mirror.example/', `${NPM}/a/-/a-1.0.0.tgz?x=1`, 'https://mirror.example/a/-/a-1.0.0.tgz?x=1'],
    ['non-http resolved values are left alone',
      'always', 'https://mirror.example/', 'file:../a.tgz', 'file:../a.tgz'],
    ['a URL on the configured registry itself stays as it is',
      'npmjs', `${NPM}/`, `${NPM}/@s/a/-/a-1.0.0.tgz`, `${NPM}/@s/a/-/a-1.0.0.tgz`],
    ['a URL under the registry path stays as it is under always',
      'always', 'https://mirror.example/r/', 'https://mirror.example/r/a/-/a-1.0.0.tgz', 'https://mirror.example/r/a/-/a-1.0.0.tgz'],
    ['a URL setting with a path still swaps it under the registry itself',
      'https://mirror.example/r', 'https://mirror.example/r/s/', 'https://mirror.example/r/s/a.tgz', 'https://mirror.example/r/s/s/a.tgz'],
  ]
  for (const [name, setting, registry, resolved, expected] of cases) {
    test(name, () => expect(replaceRegistryHost(resolved, config(registry, setting))).toBe(expected))
  }

  test('a scoped package is moved onto the default registry, not its scope registry (npm 11.19)', () => {
    const scoped = config('https://default.example/', 'npmjs', { '@corp': 'https://corp.example/' })
    expect(tarballUrl({ name: '@corp/a', resolved: `${NPM}/@corp/a/-/a-1.0.0.tgz` }, scoped)).toBe(
      'https://default.example/@corp/a/-/a-1.0.0.tgz',
    )
  })
})

describe('entries without resolved get the conventional URL on their scope registry', () => {
  const scoped = config('https://default.example/', 'npmjs', { '@corp': 'https://corp.example/npm/' })
  test.each([
    ['a', '1.0.0', 'https://default.example/a/-/a-1.0.0.tgz'],
    ['@corp/b', '2.0.0', 'https://corp.example/npm/@corp/b/-/b-2.0.0.tgz'],
    ['@other/c', '3.0.0-rc.1', 'https://default.example/@other/c/-/c-3.0.0-rc.1.tgz'],
  ])('%s@%s', (name, version, expected) => {
    expect(tarballUrl({ name, version }, scoped)).toBe(expected)
  })
})
