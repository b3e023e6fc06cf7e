import { expect, test } from 'bun:test'
import { pickProxy } from '../../src/registry/pick-proxy.ts'

const base = { proxy: null, httpsProxy: null, proxyEnv: { httpsProxy: null, httpProxy: null }, noproxy: [] as string[] }

test.each([
  ['no proxy anywhere: direct', base, 'https://r.example/a', false],
  ['https-proxy for https URLs', { ...base, httpsProxy: 'http://p:1' }, 'https://r.example/a', 'http://p:1'],
  ['https-proxy for http URLs too, as npm', { ...base, httpsProxy: 'http://p:1' }, 'http://r.example/a', 'http://p:1'],
  ['proxy when https-proxy is unset', { ...base, proxy: 'http://p:2' }, 'https://r.example/a', 'http://p:2'],
  ['$https_proxy when nothing is configured', { ...base, proxyEnv: { httpsProxy: 'http://e:1', httpProxy: null } }, 'https://r.example/a', 'http://e:1'],
  ['$http_proxy is not used for https URLs', { ...base, proxyEnv: { httpsProxy: null, httpProxy: 'http://e:2' } }, 'https://r.example/a', false],
  ['$http_proxy is used for http URLs', { ...base, proxyEnv: { httpsProxy: null, httpProxy: 'http://e:2' } }, 'http://r.example/a', 'http://e:2'],
  ['noproxy matches trailing labels', { ...base, httpsProxy: 'http://p:1', noproxy: ['example'] }, 'https://r.example/a', false],
  ['noproxy with a leading dot', { ...base, httpsProxy: 'http://p:1', noproxy: ['.r.example'] }, 'https://r.example/a', false],
  ['noproxy does not match a partial label', { ...base, httpsProxy: 'http://p:1', noproxy: ['ample'] }, 'https://r.example/a', 'http://p:1'],
  ['proxy=false falls back to the environment, as npm', { ...base, proxy: false as const, proxyEnv: { httpsProxy: 'http://e:1', httpProxy: null } }, 'https://r.example/a', 'http://e:1'],
] as const)('%s', (_name, config, url, expected) => {
  expect(pickProxy(url, config)).toBe(expected)
})
