/**
 * Secrets never leave skiff: with a token, a base64 `_auth` and a username/password configured,
 * full runs at every log level, `--json`, failing runs (401, a URL carrying user:pass@) and the
 * files skiff writes (lockfile, hidden lockfile, cache and store) hold none of them — while the
 * registry does receive the credentials meant for it.
 */
import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { lockfileFor } from '../registry/index.ts'
import { fixtureSuite, LOCKED, PACKAGE_JSON, runSkiffFull, tempDir, writeFixtureProject, type SkiffExit } from './fixture.ts'

const suite = fixtureSuite()

const TOKEN = 'npm_SeCrEtToKeN0123456789abcdefghijKLMN'
const PASSWORD = 'pa55-W0rd-Secret'
const AUTH = Buffer.from(`skiffuser:${PASSWORD}`).toString('base64')
const URL_PASSWORD = 'UrlPa55Secret'
const SECRETS = [TOKEN, PASSWORD, AUTH, Buffer.from(PASSWORD).toString('base64'), URL_PASSWORD]

function npmrc(): string {
  const host = new URL(suite.registry.url).host
  return [
    `//${host}/:_authToken=${TOKEN}`,
    // other registries of the same project: their secrets must stay out of every output too
    `@private:registry=http://private.example.test/`,
    `//private.example.test/:_auth=${AUTH}`,
    `//other.example.test/:username=skiffuser`,
    `//other.example.test/:_password=${Buffer.from(PASSWORD).toString('base64')}`,
    '',
  ].join('\n')
}

/** Every file below `dir`, with its text. */
function filesBelow(dir: string): Array<[string, string]> {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const file = path.join(entry.parentPath, entry.name)
      return [path.relative(dir, file), fs.readFileSync(file, 'latin1')] as [string, string]
    })
}

function leaks(label: string, text: string): string[] {
  return SECRETS.filter((secret) => text.includes(secret)).map((secret) => `${label} holds ${secret.slice(0, 6)}…`)
}

function runLeaks(label: string, run: SkiffExit): string[] {
  return leaks(`${label} stdout`, run.stdout).concat(leaks(`${label} stderr`, run.stderr))
}

describe('secrets', () => {
  test('no output of a full run at any log level, nor --json, nor any file written, holds a credential; the registry gets its token', async () => {
    await using tmp = tempDir()
    const dir = writeFixtureProject(suite.registry, tmp.path, { npmrc: npmrc() })
    const before = suite.registry.requests.length
    const found: string[] = []
    for (const args of [['ci', '--loglevel', 'silly'], ['ci', '--verbose'], ['ci', '--json'], ['install', '--loglevel', 'silly'], ['install', '--json']]) {
      const run = await runSkiffFull(dir, args, { registry: suite.registry.url })
      expect({ args, code: run.code }).toEqual({ args, code: 0 })
      found.push(...runLeaks(args.join(' '), run))
    }
    for (const [file, text] of filesBelow(tmp.path)) {
      if (file === 'project/.npmrc') continue
      found.push(...leaks(file, text))
    }
    expect(found).toEqual([])
    const sent = suite.registry.requests.slice(before)
    expect(sent.length).toBeGreaterThan(0)
    for (const request of sent) expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`)
  }, 30_000)

  test('a 401 at the silliest log level names the .npmrc key and never its value', async () => {
    await using tmp = tempDir()
    const dir = writeFixtureProject(suite.registry, tmp.path, { npmrc: npmrc() })
    suite.registry.fault('/beta/-/beta-1.0.0.tgz', { status: 401 })
    try {
      for (const args of [['ci', '--loglevel', 'silly'], ['ci', '--json']]) {
        const run = await runSkiffFull(dir, args, { registry: suite.registry.url })
        expect(run.code).toBe(1)
        expect(run.stderr + run.stdout).toContain(`//${new URL(suite.registry.url).host}/:_authToken`)
        expect(runLeaks(args.join(' '), run)).toEqual([])
      }
    } finally {
      suite.registry.clearFaults()
    }
  })

  test('an error about a URL that carries user:pass@ prints the URL without them', async () => {
    await using tmp = tempDir()
    const lock = lockfileFor(suite.registry, PACKAGE_JSON, LOCKED) as { packages: Record<string, Record<string, unknown>> }
    const beta = lock.packages['node_modules/beta']
    const withCredentials = new URL(suite.registry.tarballUrl('beta', '1.0.0'))
    withCredentials.username = 'skiffuser'
    withCredentials.password = URL_PASSWORD
    if (beta) beta.resolved = withCredentials.toString()
    const dir = writeFixtureProject(suite.registry, tmp.path, { lockfile: lock })
    suite.registry.fault('/beta/-/beta-1.0.0.tgz', { status: 404 })
    try {
      for (const args of [['ci', '--loglevel', 'silly'], ['ci', '--json']]) {
        const run = await runSkiffFull(dir, args, { registry: suite.registry.url })
        expect(run.code).toBe(1)
        expect(run.stderr + run.stdout).toContain('E404')
        expect(run.stderr + run.stdout).toContain(suite.registry.tarballUrl('beta', '1.0.0'))
        expect(runLeaks(args.join(' '), run)).toEqual([])
      }
    } finally {
      suite.registry.clearFaults()
    }
  })
})
