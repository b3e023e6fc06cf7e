import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { isSkiffError } from '../../src/error/index.ts'
import { detectPlatform } from '../../src/link/index.ts'
import { detectFormat, readLockfile, serializeLockfile } from '../../src/lockfile/index.ts'
import { buildIdealTree, lockfileFromTree, type ResolveOptions } from '../../src/resolve/index.ts'
import { createTestRegistry } from '../registry/index.ts'
import { type CorpusCase, loadCorpus, materialise, withRegistry } from './corpus/index.ts'
import { createRegistryIO } from './registry-io.ts'

/** The flags and .npmrc settings the corpus uses, as resolver options. */
function optionsFor(corpusCase: CorpusCase, registryUrl: string): ResolveOptions {
  const settings = new Map<string, string>()
  for (const line of (corpusCase.case.npmrc ?? '').split('\n')) {
    const match = /^\s*([^=\s]+)\s*=\s*(.*?)\s*$/.exec(line)
    if (match?.[1] !== undefined) settings.set(match[1], match[2] ?? '')
  }
  for (const arg of corpusCase.case.args ?? []) {
    const match = /^--(no-)?([^=]+)(?:=(.*))?$/.exec(arg)
    if (match?.[2] !== undefined) settings.set(match[2], match[1] ? 'false' : match[3] ?? 'true')
  }
  const flag = (name: string) => settings.get(name) === 'true'
  return {
    legacyPeerDeps: flag('legacy-peer-deps'),
    strictPeerDeps: flag('strict-peer-deps'),
    force: flag('force'),
    preferDedupe: flag('prefer-dedupe'),
    nodeVersion: 'v20.20.2',
    npmVersion: '11.19.1',
    omitLockfileRegistryResolved: flag('omit-lockfile-registry-resolved'),
    registryFor: () => registryUrl,
    platform: detectPlatform(),
  }
}

type Outcome = { lockfile: string } | { error: string }

async function resolveCase(corpusCase: CorpusCase): Promise<{ outcome: Outcome; expected: Outcome }> {
  await using registry = await createTestRegistry({ packages: corpusCase.case.packages })
  using project = materialise(corpusCase.name, registry.url)
  const packageJsonText = fs.readFileSync(path.join(project.dir, 'package.json'), 'utf8')
  const rootManifest = JSON.parse(packageJsonText) as Record<string, unknown>
  const options = optionsFor(corpusCase, registry.url)
  const baseline = await readLockfile(project.dir)
  const workspaces = new Map(Object.entries(corpusCase.case.workspaces ?? {}))
  const expected: Outcome = corpusCase.expectedLockfile !== undefined
    ? { lockfile: withRegistry(corpusCase.expectedLockfile, registry.url) }
    : { error: corpusCase.expectedError?.code ?? '' }
  try {
    const tree = await buildIdealTree({
      projectDir: project.dir,
      rootManifest,
      workspaces,
      ...(baseline === undefined ? {} : { baseline }),
      options,
      ...createRegistryIO({ registry: registry.url, extrasFrom: 'full-packument' }),
    })
    const lock = lockfileFromTree(tree, rootManifest, { omitLockfileRegistryResolved: options.omitLockfileRegistryResolved })
    return { outcome: { lockfile: serializeLockfile(lock, detectFormat(packageJsonText)) }, expected }
  } catch (error) {
    const code = isSkiffError(error) ? error.code : String((error as { code?: unknown }).code ?? error)
    return { outcome: { error: code }, expected }
  }
}

describe('the resolver reproduces npm 11.19 on every corpus case', () => {
  for (const corpusCase of loadCorpus()) {
    const what = corpusCase.case.expect === 'lockfile' ? 'the same package-lock.json bytes' : `the same error (${corpusCase.expectedError?.code})`
    test(`${corpusCase.name}: ${what}`, async () => {
      const { outcome, expected } = await resolveCase(corpusCase)
      expect(outcome).toEqual(expected)
    })
  }
})
