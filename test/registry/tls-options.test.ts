import { describe, expect, test } from 'bun:test'
import { tlsOptions } from '../../src/registry/fetch-with-retry.ts'
import { createRegistryClient } from '../../src/registry/index.ts'
import { loadConfig } from '../../src/config/index.ts'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'

describe('tls options of registry requests', () => {
  test("none with strict-ssl and no CA of the user's: Bun's own check", () => {
    expect(tlsOptions({ strictSsl: true, ca: [] }, {})).toBeUndefined()
  })

  test('strict-ssl=false, a CA, or NODE_TLS_REJECT_UNAUTHORIZED=0 are said to Bun', () => {
    expect(tlsOptions({ strictSsl: false, ca: [] }, {})).toEqual({ rejectUnauthorized: false })
    expect(tlsOptions({ strictSsl: true, ca: [PEM, PEM] }, {})).toEqual({ rejectUnauthorized: true, ca: Buffer.from(`${PEM}\n${PEM}`) })
    // Bun's default would follow the variable; npm's strict-ssl keeps checking
    expect(tlsOptions({ strictSsl: true, ca: [] }, { NODE_TLS_REJECT_UNAUTHORIZED: '0' })).toEqual({ rejectUnauthorized: true })
  })

  test('what the client hands to fetch', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-'))
    try {
      fs.writeFileSync(path.join(root, 'package.json'), '{}')
      const seen: Array<RequestInit & { tls?: unknown }> = []
      const fakeFetch = (async (_url: string | URL | Request, init?: RequestInit) => {
        seen.push(init ?? {})
        return new Response(new Uint8Array([1, 2, 3]), { status: 200 })
      }) as typeof fetch
      for (const strict of ['true', 'false']) {
        // PREFIX: no global npmrc of this machine's (which may name a cafile)
        const config = await loadConfig({ cwd: root, home: path.join(root, 'home'), env: { PATH: '', PREFIX: path.join(root, 'prefix') }, flags: { 'strict-ssl': strict, cache: path.join(root, 'cache') } })
        await createRegistryClient(config, fakeFetch).fetchTarball({ url: 'https://registry.example/a/-/a-1.0.0.tgz', pkg: 'a@1.0.0' })
      }
      expect(seen.map((init) => init.tls)).toEqual([undefined, { rejectUnauthorized: false }])
    } finally {
      fs.rmSync(root, { recursive: true, force: true })
    }
  })
})
