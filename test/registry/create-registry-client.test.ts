import { afterEach, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type Config, loadConfig } from '../../src/config/index.ts'
import { isSkiffError, SkiffError } from '../../src/error/index.ts'
import { CORGI_ACCEPT, createRegistryClient, keepInCache, type PackumentForm } from '../../src/registry/index.ts'
import { createTestRegistry, type TestRegistry } from './index.ts'

const temps: string[] = []
afterEach(() => {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

/** A Config for `registry` with fast retries, in a temp home with a temp cache. */
async function configFor(registry: TestRegistry, options: { npmrc?: string; flags?: Record<string, string | boolean> } = {}): Promise<Config> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-'))
  temps.push(root)
  fs.writeFileSync(path.join(root, 'package.json'), '{}')
  if (options.npmrc !== undefined) fs.writeFileSync(path.join(root, '.npmrc'), options.npmrc)
  return loadConfig({
    cwd: root,
    home: path.join(root, 'home'),
    env: { PATH: '', PREFIX: path.join(root, 'prefix') },
    flags: {
      registry: registry.url,
      cache: path.join(root, 'cache'),
      'fetch-retries': '2',
      'fetch-retry-factor': '1',
      'fetch-retry-mintimeout': '1',
      'fetch-retry-maxtimeout': '5',
      'fetch-timeout': '2000',
      ...options.flags,
    },
  })
}

async function failure(promise: Promise<unknown>): Promise<SkiffError> {
  try {
    await promise
  } catch (error) {
    if (isSkiffError(error)) return error
    throw error
  }
  throw new Error('expected a SkiffError')
}

const pkgA = { name: 'a', version: '1.0.0', files: { 'index.js': 'x'.repeat(4000) } }

describe('tarball fetch faults', () => {
  test('500, 502 and 503 are retried and the bytes arrive', async () => {
    await using registry = await createTestRegistry({ packages: [pkgA] })
    const client = createRegistryClient(await configFor(registry, { flags: { 'fetch-retries': '3' } }))
    const tarball = registry.tarballPath('a', '1.0.0')
    registry.fault(tarball, { status: 500, times: 1 })
    registry.fault(tarball, { status: 502, times: 1 })
    registry.fault(tarball, { status: 503, times: 1 })
    const bytes = await client.fetchTarball({ url: registry.tarballUrl('a', '1.0.0'), pkg: 'a@1.0.0' })
    expect(bytes).toEqual(registry.tarballBytes('a', '1.0.0'))
    expect(registry.requests.length).toBe(4)
  })

  test('a 5xx that persists fails with EHTTP after fetch-retries retries', async () => {
    await using registry = await createTestRegistry({ packages: [pkgA] })
    const client = createRegistryClient(await configFor(registry))
    registry.fault(/\.tgz$/, { status: 503 })
    const error = await failure(client.fetchTarball({ url: registry.tarballUrl('a', '1.0.0'), pkg: 'a@1.0.0' }))
    expect(error.code).toBe('EHTTP')
    expect(error.details.status).toBe(503)
    expect(registry.requests.length).toBe(3)
  })

  test('429 with Retry-After is retried', async () => {
    await using registry = await createTestRegistry({ packages: [pkgA] })
    const client = createRegistryClient(await configFor(registry))
    registry.fault(/\.tgz$/, { status: 429, headers: { 'retry-after': '1' }, times: 1 })
    const bytes = await client.fetchTarball({ url: registry.tarballUrl('a', '1.0.0'), pkg: 'a@1.0.0' })
    expect(bytes.length).toBe(registry.tarballBytes('a', '1.0.0').length)
    expect(registry.requests.length).toBe(2)
  })

  test('404 is final: E404 names the package and the registry', async () => {
    await using registry = await createTestRegistry({ packages: [pkgA] })
    const client = createRegistryClient(await configFor(registry))
    const error = await failure(client.fetchTarball({ url: `${registry.url}a/-/a-9.9.9.tgz`, pkg: 'a@9.9.9' }))
    expect(error.code).toBe('E404')
    expect(error.message).toContain('a@9.9.9')
    expect(error.message).toContain(registry.url)
    expect(registry.requests.length).toBe(1)
  })

  for (const status of [401, 403] as const) {
    test(`${status} without a token names the .npmrc key that would carry one`, async () => {
      await using registry = await createTestRegistry({ packages: [pkgA] })
      const client = createRegistryClient(await configFor(registry))
      registry.fault(/\.tgz$/, { status })
      const error = await failure(client.fetchTarball({ url: registry.tarballUrl('a', '1.0.0'), pkg: 'a@1.0.0' }))
      expect(error.code).toBe(`E${status}`)
      expect(error.message).toContain('a@1.0.0')
      expect(error.hint).toContain(`//127.0.0.1:${registry.port}/:_authToken`)
      expect(registry.requests.length).toBe(1)
    })

    test(`${status} with a token names its key and never the token`, async () => {
      await using registry = await createTestRegistry({ packages: [pkgA] })
      const token = 'tok-0123456789-secret'
      const npmrc = `//127.0.0.1:${registry.port}/:_authToken=${token}\n`
      const client = createRegistryClient(await configFor(registry, { npmrc }))
      registry.fault(/\.tgz$/, { status })
      const error = await failure(client.fetchTarball({ url: registry.tarballUrl('a', '1.0.0'), pkg: 'a@1.0.0' }))
      expect(error.code).toBe(`E${status}`)
      expect(error.hint).toContain(`//127.0.0.1:${registry.port}/:_authToken`)
      const everything = JSON.stringify({ message: error.message, hint: error.hint, details: error.details })
      expect(everything).not.toContain(token)
      expect(registry.requests[0]?.headers.authorization).toBe(`Bearer ${token}`)
    })
  }

  test('a stalled body fails with ESTALL naming the URL after the retries', async () => {
    await using registry = await createTestRegistry({ packages: [pkgA] })
    const client = createRegistryClient(await configFor(registry, { flags: { 'fetch-timeout': '150', 'fetch-retries': '1' } }))
    registry.fault(/\.tgz$/, { stallAfterBytes: 100 })
    const url = registry.tarballUrl('a', '1.0.0')
    const error = await failure(client.fetchTarball({ url, pkg: 'a@1.0.0' }))
    expect(error.code).toBe('ESTALL')
    expect(error.message).toContain(url)
    expect(error.details.url).toBe(url)
    expect(registry.requests.length).toBe(2)
  })

  test('a stall before the headers is ESTALL too', async () => {
    await using registry = await createTestRegistry({ packages: [pkgA] })
    const client = createRegistryClient(await configFor(registry, { flags: { 'fetch-timeout': '100', 'fetch-retries': '0' } }))
    registry.fault(/\.tgz$/, { delayMs: 2000 })
    const error = await failure(client.fetchTarball({ url: registry.tarballUrl('a', '1.0.0'), pkg: 'a@1.0.0' }))
    expect(error.code).toBe('ESTALL')
  })

  test('a truncated body is retried and then succeeds', async () => {
    await using registry = await createTestRegistry({ packages: [pkgA] })
    const client = createRegistryClient(await configFor(registry))
    registry.fault(/\.tgz$/, { truncateAt: 50, times: 2 })
    const bytes = await client.fetchTarball({ url: registry.tarballUrl('a', '1.0.0'), pkg: 'a@1.0.0' })
    expect(bytes).toEqual(registry.tarballBytes('a', '1.0.0'))
    expect(registry.requests.length).toBe(3)
  })

  test('a body that is always truncated fails with EFETCH after the retries', async () => {
    await using registry = await createTestRegistry({ packages: [pkgA] })
    const client = createRegistryClient(await configFor(registry))
    registry.fault(/\.tgz$/, { truncateAt: 50 })
    const error = await failure(client.fetchTarball({ url: registry.tarballUrl('a', '1.0.0'), pkg: 'a@1.0.0' }))
    expect(error.code).toBe('EFETCH')
    expect(registry.requests.length).toBe(3)
  })

  test('a body shorter than its Content-Length is retried, then EFETCH', async () => {
    await using registry = await createTestRegistry()
    let calls = 0
    const shortBody = (async () => {
      calls += 1
      return new Response(new Uint8Array(10), { headers: { 'content-length': '100' } })
    }) as unknown as typeof fetch
    const client = createRegistryClient(await configFor(registry), shortBody)
    const error = await failure(client.fetchTarball({ url: 'http://127.0.0.1:1/a/-/a-1.0.0.tgz', pkg: 'a@1.0.0' }))
    expect(error.code).toBe('EFETCH')
    expect(error.message).toContain('ended after 10 of 100 bytes')
    expect(calls).toBe(3)
  })

  test('connection refused is retried, then EFETCH naming the URL', async () => {
    await using registry = await createTestRegistry()
    const closed = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response('') })
    const url = `http://127.0.0.1:${closed.port}/a/-/a-1.0.0.tgz`
    await closed.stop(true)
    let calls = 0
    const counting = ((input: string, init?: RequestInit) => {
      calls += 1
      return fetch(input, init)
    }) as unknown as typeof fetch
    const client = createRegistryClient(await configFor(registry), counting)
    const error = await failure(client.fetchTarball({ url, pkg: 'a@1.0.0' }))
    expect(error.code).toBe('EFETCH')
    expect(error.message).toContain(url)
    expect(error.message).toContain('ECONNREFUSED')
    expect(calls).toBe(3)
  })

  test('an aborted signal stops the fetch with EABORT and no retry', async () => {
    await using registry = await createTestRegistry({ packages: [pkgA] })
    const client = createRegistryClient(await configFor(registry))
    registry.fault(/\.tgz$/, { stallAfterBytes: 10 })
    const controller = new AbortController()
    const pending = client.fetchTarball({ url: registry.tarballUrl('a', '1.0.0'), pkg: 'a@1.0.0', signal: controller.signal })
    setTimeout(() => controller.abort(new Error('stop')), 50)
    const error = await failure(pending)
    expect(error.code).toBe('EABORT')
    expect(registry.requests.length).toBe(1)
  })

  test('onProgress sees every byte', async () => {
    await using registry = await createTestRegistry({ packages: [pkgA] })
    const client = createRegistryClient(await configFor(registry))
    let seen = 0
    const bytes = await client.fetchTarball({ url: registry.tarballUrl('a', '1.0.0'), pkg: 'a@1.0.0', onProgress: (n) => { seen += n } })
    expect(seen).toBe(bytes.length)
  })

  test('offline never fetches a tarball: ENOTCACHED', async () => {
    await using registry = await createTestRegistry({ packages: [pkgA] })
    const client = createRegistryClient(await configFor(registry, { flags: { offline: true } }))
    const error = await failure(client.fetchTarball({ url: registry.tarballUrl('a', '1.0.0'), pkg: 'a@1.0.0' }))
    expect(error.code).toBe('ENOTCACHED')
    expect(registry.requests.length).toBe(0)
  })
})

describe('credentials stay with their host', () => {
  test('a token for one registry is never sent to another host', async () => {
    await using first = await createTestRegistry({ packages: [pkgA] })
    await using second = await createTestRegistry({ packages: [pkgA] })
    const npmrc = `//127.0.0.1:${first.port}/:_authToken=first-token-value\n`
    const client = createRegistryClient(await configFor(first, { npmrc }))
    await client.fetchPackument('a')
    await client.fetchTarball({ url: first.tarballUrl('a', '1.0.0'), pkg: 'a@1.0.0' })
    await client.fetchTarball({ url: second.tarballUrl('a', '1.0.0'), pkg: 'a@1.0.0' })
    expect(first.requests.map((request) => request.headers.authorization)).toEqual([
      'Bearer first-token-value',
      'Bearer first-token-value',
    ])
    expect(second.requests.length).toBe(1)
    expect(second.requests[0]?.headers.authorization).toBeUndefined()
  })

  test('a redirect to another host drops the credentials, even ones configured for that host', async () => {
    await using first = await createTestRegistry({ packages: [pkgA] })
    await using second = await createTestRegistry({ packages: [pkgA] })
    const npmrc = `//127.0.0.1:${first.port}/:_authToken=first-token-value\n//127.0.0.1:${second.port}/:_authToken=second-token-value\n`
    const client = createRegistryClient(await configFor(first, { npmrc }))
    first.fault(/\.tgz$/, { status: 302, headers: { location: second.tarballUrl('a', '1.0.0') } })
    const bytes = await client.fetchTarball({ url: first.tarballUrl('a', '1.0.0'), pkg: 'a@1.0.0' })
    expect(bytes).toEqual(second.tarballBytes('a', '1.0.0'))
    expect(first.requests[0]?.headers.authorization).toBe('Bearer first-token-value')
    expect(second.requests[0]?.headers.authorization).toBeUndefined()
  })

  test('a redirect on the same host keeps them', async () => {
    await using registry = await createTestRegistry({ packages: [pkgA] })
    const npmrc = `//127.0.0.1:${registry.port}/:_authToken=same-host-token\n`
    const client = createRegistryClient(await configFor(registry, { npmrc }))
    registry.fault('/moved.tgz', { status: 301, headers: { location: registry.tarballPath('a', '1.0.0') } })
    await client.fetchTarball({ url: `${registry.url}moved.tgz`, pkg: 'a@1.0.0' })
    expect(registry.requests.map((request) => request.headers.authorization)).toEqual([
      'Bearer same-host-token',
      'Bearer same-host-token',
    ])
  })

  test('a scoped package uses its scope registry and that registry token', async () => {
    await using main = await createTestRegistry({ packages: [pkgA] })
    await using corp = await createTestRegistry({ packages: [{ name: '@corp/b', version: '1.0.0' }] })
    const npmrc = `@corp:registry=${corp.url}\n//127.0.0.1:${corp.port}/:_authToken=corp-token-value\n`
    const client = createRegistryClient(await configFor(main, { npmrc }))
    const { packument } = await client.fetchPackument('@corp/b')
    expect((packument as { name: string }).name).toBe('@corp/b')
    expect(corp.requests[0]?.url).toBe('/@corp%2fb')
    expect(corp.requests[0]?.headers.authorization).toBe('Bearer corp-token-value')
    await client.fetchPackument('a')
    expect(main.requests[0]?.headers.authorization).toBeUndefined()
  })
})

describe('packuments', () => {
  test('asks for the corgi document, or the full one with fullMetadata', async () => {
    await using registry = await createTestRegistry({ packages: [pkgA] })
    const client = createRegistryClient(await configFor(registry))
    const corgi = await client.fetchPackument('a')
    const full = await client.fetchPackument('a', { fullMetadata: true })
    expect(registry.requests.map((request) => request.headers.accept)).toEqual([CORGI_ACCEPT, 'application/json'])
    expect(corgi.packument).toHaveProperty('modified')
    expect(full.packument).toHaveProperty('time')
    expect([corgi.fromCache, full.fromCache]).toEqual([false, false])
  })

  test('a cached packument is revalidated with its ETag and a 304 serves the cache', async () => {
    await using registry = await createTestRegistry({ packages: [pkgA] })
    const config = await configFor(registry)
    const client = createRegistryClient(config)
    const first = await client.fetchPackument('a')
    const second = await client.fetchPackument('a')
    expect(second).toEqual({ packument: first.packument, fromCache: true })
    const [, revalidation] = registry.requests
    expect(revalidation?.headers['if-none-match']).toMatch(/^"[0-9a-f]+"$/)
    // one database for all metadata, not a file per document
    expect(fs.readdirSync(path.join(config.cache, 'v1')).filter((file) => !file.startsWith('metadata.sqlite'))).toEqual([])
  })

  test('a changed packument replaces the cached one', async () => {
    await using registry = await createTestRegistry({ packages: [pkgA] })
    const client = createRegistryClient(await configFor(registry))
    await client.fetchPackument('a')
    registry.add({ name: 'a', version: '1.1.0' })
    const changed = await client.fetchPackument('a')
    expect(changed.fromCache).toBe(false)
    expect(Object.keys((changed.packument as { versions: object }).versions)).toEqual(['1.0.0', '1.1.0'])
  })

  test('a packument within its Cache-Control max-age is used without asking; prefer-online asks anyway', async () => {
    await using registry = await createTestRegistry()
    const document = JSON.stringify({ name: 'm', versions: {}, 'dist-tags': {} })
    registry.fault('/m', { status: 200, body: document, headers: { 'cache-control': 'public, max-age=300', etag: '"m1"' } })
    const config = await configFor(registry)
    await createRegistryClient(config).fetchPackument('m')
    const again = await createRegistryClient(config).fetchPackument('m')
    expect(again).toEqual({ packument: JSON.parse(document), fromCache: true })
    expect(registry.requests.length).toBe(1)
    await createRegistryClient(Object.freeze({ ...config, preferOnline: true })).fetchPackument('m')
    expect(registry.requests.length).toBe(2)
    expect(registry.requests[1]?.headers['if-none-match']).toBe('"m1"')
  })

  test('prefer-offline uses the cached copy without asking', async () => {
    await using registry = await createTestRegistry({ packages: [pkgA] })
    const online = await configFor(registry)
    await createRegistryClient(online).fetchPackument('a')
    const preferOffline = Object.freeze({ ...online, preferOffline: true })
    const result = await createRegistryClient(preferOffline).fetchPackument('a')
    expect(result.fromCache).toBe(true)
    expect(registry.requests.length).toBe(1)
  })

  test('offline without a cached copy is ENOTCACHED and touches no network', async () => {
    await using registry = await createTestRegistry({ packages: [pkgA] })
    const client = createRegistryClient(await configFor(registry, { flags: { offline: true } }))
    const error = await failure(client.fetchPackument('a'))
    expect(error.code).toBe('ENOTCACHED')
    expect(error.message).toContain('a')
    expect(registry.requests.length).toBe(0)
  })

  test('offline with a cached copy serves it', async () => {
    await using registry = await createTestRegistry({ packages: [pkgA] })
    const online = await configFor(registry)
    await createRegistryClient(online).fetchPackument('a')
    const result = await createRegistryClient(Object.freeze({ ...online, offline: true })).fetchPackument('a')
    expect(result.fromCache).toBe(true)
    expect(registry.requests.length).toBe(1)
  })

  test('an unknown package is E404 naming it and the registry', async () => {
    await using registry = await createTestRegistry()
    const client = createRegistryClient(await configFor(registry))
    const error = await failure(client.fetchPackument('@nope/missing'))
    expect(error.code).toBe('E404')
    expect(error.message).toContain('@nope/missing')
    expect(error.message).toContain(registry.url)
    expect(registry.requests[0]?.url).toBe('/@nope%2fmissing')
  })

  test('a body that is not JSON is EJSONPARSE', async () => {
    await using registry = await createTestRegistry({ packages: [pkgA] })
    const client = createRegistryClient(await configFor(registry))
    registry.fault('/a', { status: 200, body: '<html>proxy login</html>' })
    expect((await failure(client.fetchPackument('a'))).code).toBe('EJSONPARSE')
  })
})

describe('packuments kept in a form', () => {
  /** a form that keeps only the dist-tags, counting how often each side runs */
  function tagsForm(name = 'tags-1') {
    const calls = { toCached: 0, fromCached: 0 }
    const form: PackumentForm<Record<string, string>> = {
      name,
      toCached(body, _name, write) {
        calls.toCached++
        const text = JSON.stringify(JSON.parse(new TextDecoder().decode(body))['dist-tags'])
        keepInCache(write, text)
        return text
      },
      fromCached(cached) {
        calls.fromCached++
        const value: unknown = JSON.parse(typeof cached === 'string' ? cached : new TextDecoder().decode(cached))
        if (typeof value !== 'object' || value === null) throw new Error('not a form-1 text')
        return value as Record<string, string>
      },
    }
    return { form, calls }
  }

  test('what a form made is what the cache keeps and what a 304 and prefer-offline serve', async () => {
    await using registry = await createTestRegistry({ packages: [pkgA] })
    const config = await configFor(registry)
    const { form, calls } = tagsForm()
    const first = await createRegistryClient(config).fetchPackumentAs('a', form)
    expect(first).toEqual({ packument: { latest: '1.0.0' }, fromCache: false })
    const again = await createRegistryClient(config).fetchPackumentAs('a', form)
    expect(again).toEqual({ packument: { latest: '1.0.0' }, fromCache: true })
    expect(registry.requests[1]?.headers['if-none-match']).toMatch(/^"[0-9a-f]+"$/)
    await createRegistryClient(Object.freeze({ ...config, preferOffline: true })).fetchPackumentAs('a', form)
    expect(registry.requests).toHaveLength(2)
    expect(calls.toCached).toBe(1)
  })

  test('onStale gets the cached copy when it is asked for again (a throw in it is ignored); expect is called with each request', async () => {
    await using registry = await createTestRegistry({ packages: [pkgA] })
    const config = await configFor(registry)
    const { form } = tagsForm()
    let expected = 0
    form.expect = () => expected++
    const stale: Array<Record<string, string>> = []
    // nothing cached: nothing to hand over
    await createRegistryClient(config).fetchPackumentAs('a', form, { onStale: (copy) => stale.push(copy) })
    expect([stale, expected]).toEqual([[], 1])
    const documentWith = (latest: string) => JSON.stringify({ name: 'a', 'dist-tags': { latest }, versions: {} })
    registry.fault('/a', { status: 200, body: documentWith('2.0.0') })
    const answer = await createRegistryClient(config).fetchPackumentAs('a', form, {
      onStale: (copy) => {
        stale.push(copy)
        throw new Error('a guess that fails is no failure of the request')
      },
    })
    expect(stale).toEqual([{ latest: '1.0.0' }])
    expect(answer).toEqual({ packument: { latest: '2.0.0' }, fromCache: false })
    expect(expected).toBe(2)
    // a copy within its max-age is the answer itself: no request, no stale copy
    registry.clearFaults()
    registry.fault('/a', { status: 200, body: documentWith('3.0.0'), headers: { 'cache-control': 'max-age=300' } })
    await createRegistryClient(config).fetchPackumentAs('a', form)
    const requests = registry.requests.length
    expect(await createRegistryClient(config).fetchPackumentAs('a', form, { onStale: (copy) => stale.push(copy) })).toEqual({ packument: { latest: '3.0.0' }, fromCache: true })
    expect([stale.length, registry.requests.length]).toEqual([1, requests])
  })

  test('a cached copy handed to onStale and then revalidated by a 304 is read from the cache once', async () => {
    await using registry = await createTestRegistry({ packages: [pkgA] })
    const config = await configFor(registry)
    const { form, calls } = tagsForm()
    await createRegistryClient(config).fetchPackumentAs('a', form)
    const stale: Array<Record<string, string>> = []
    const again = await createRegistryClient(config).fetchPackumentAs('a', form, { onStale: (copy) => stale.push(copy) })
    expect(registry.requests[1]?.headers['if-none-match']).toMatch(/^"[0-9a-f]+"$/)
    expect(again).toEqual({ packument: { latest: '1.0.0' }, fromCache: true })
    expect(again.packument).toBe(stale[0] as Record<string, string>)
    expect(calls.fromCached).toBe(2)
  })

  test('each form has its own entries, beside the raw document', async () => {
    await using registry = await createTestRegistry({ packages: [pkgA] })
    const config = await configFor(registry, { flags: { 'prefer-offline': true } })
    await createRegistryClient(config).fetchPackumentAs('a', tagsForm('tags-1').form)
    await createRegistryClient(config).fetchPackumentAs('a', tagsForm('tags-2').form)
    await createRegistryClient(config).fetchPackument('a')
    expect(registry.requests).toHaveLength(3)
  })

  test('a cached body the form cannot read is fetched again; offline it is not cached at all', async () => {
    await using registry = await createTestRegistry({ packages: [pkgA] })
    const config = await configFor(registry)
    const writer = tagsForm()
    writer.form.toCached = (_body, _name, write) => {
      keepInCache(write, 'null')
      return '{"latest":"1.0.0"}'
    }
    await createRegistryClient(config).fetchPackumentAs('a', writer.form)
    const offline = await failure(createRegistryClient(Object.freeze({ ...config, offline: true })).fetchPackumentAs('a', tagsForm().form))
    expect(offline.code).toBe('ENOTCACHED')
    const again = await createRegistryClient(config).fetchPackumentAs('a', tagsForm().form)
    expect(again).toEqual({ packument: { latest: '1.0.0' }, fromCache: false })
    // the refused entry was revalidated first; its 304 was not trusted
    expect(registry.requests.map((request) => request.headers['if-none-match'] === undefined)).toEqual([true, false, true])
  })

  test("a form's own SkiffError is passed on; any other failure to read the body is EJSONPARSE", async () => {
    await using registry = await createTestRegistry({ packages: [pkgA] })
    const client = createRegistryClient(await configFor(registry))
    const refusing = tagsForm()
    refusing.form.toCached = () => {
      throw new SkiffError('EBADPACKUMENT', 'a: not a packument', { pkg: 'a' })
    }
    expect((await failure(client.fetchPackumentAs('a', refusing.form))).code).toBe('EBADPACKUMENT')
    registry.fault('/a', { status: 200, body: '<html>proxy login</html>' })
    expect((await failure(client.fetchPackumentAs('a', tagsForm().form))).code).toBe('EJSONPARSE')
  })

  test('a cache database that cannot be read is a cache that misses', async () => {
    await using registry = await createTestRegistry({ packages: [pkgA] })
    const config = await configFor(registry)
    fs.mkdirSync(path.join(config.cache, 'v1'), { recursive: true })
    fs.writeFileSync(path.join(config.cache, 'v1', 'metadata.sqlite'), 'not a database'.repeat(100))
    const { form } = tagsForm()
    expect(await createRegistryClient(config).fetchPackumentAs('a', form)).toEqual({ packument: { latest: '1.0.0' }, fromCache: false })
    expect(await createRegistryClient(config).fetchPackumentAs('a', form)).toEqual({ packument: { latest: '1.0.0' }, fromCache: false })
  })
})

describe('version documents', () => {
  const licensed = { name: '@s/lic', version: '2.0.0', license: 'ISC', libc: ['glibc'] }

  test("one version's full document carries what the abbreviated packument lacks, and is cached for good", async () => {
    await using registry = await createTestRegistry({ packages: [licensed] })
    const client = createRegistryClient(await configFor(registry))
    const first = await client.fetchVersionManifest('@s/lic', '2.0.0')
    expect(first.fromCache).toBe(false)
    expect(first.packument).toMatchObject({ name: '@s/lic', version: '2.0.0', license: 'ISC', libc: ['glibc'] })
    expect(registry.requests.map((request) => request.url)).toEqual(['/@s%2flic/2.0.0'])
    const second = await client.fetchVersionManifest('@s/lic', '2.0.0')
    expect(second.fromCache).toBe(true)
    expect(registry.requests).toHaveLength(1)
  })

  test('an unknown version is E404; offline without a cached copy is ENOTCACHED', async () => {
    await using registry = await createTestRegistry({ packages: [licensed] })
    const client = createRegistryClient(await configFor(registry))
    expect((await failure(client.fetchVersionManifest('@s/lic', '9.9.9'))).code).toBe('E404')
    const offline = createRegistryClient(await configFor(registry, { flags: { offline: true } }))
    expect((await failure(offline.fetchVersionManifest('@s/lic', '2.0.0'))).code).toBe('ENOTCACHED')
  })
})
