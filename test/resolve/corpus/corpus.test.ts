import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { detectFormat, type Lockfile, nameFromLocation, parseLockfile, serializeLockfile } from '../../../src/lockfile/index.ts'
import { createTestRegistry } from '../../registry/index.ts'
import { parseCaseJson } from './case-json.ts'
import {
  type CorpusCase,
  ERROR_FILE,
  loadCorpus,
  LOCKFILE_FILE,
  materialise,
  REGISTRY_PLACEHOLDER,
  withRegistry,
} from './index.ts'
import { npmErrorSummary } from './run-npm.ts'

const corpus = loadCorpus()
const lockCases = corpus.filter((corpusCase) => corpusCase.expectedLockfile !== undefined)

function parseExpected(corpusCase: CorpusCase, text: string): Lockfile {
  return parseLockfile(text, { file: path.join(corpusCase.dir, LOCKFILE_FILE), kind: 'package-lock.json' })
}

/** Entries fetched from the fixture registry, with the name and version they were fetched as. */
function registryEntries(lock: Lockfile): Array<{ location: string; name: string; version: string; integrity?: string }> {
  return [...lock.packages]
    .filter(([, entry]) => entry.resolved?.startsWith(REGISTRY_PLACEHOLDER) === true)
    .map(([location, entry]) => ({
      location,
      name: entry.name ?? nameFromLocation(location),
      version: entry.version ?? '',
      ...(entry.integrity === undefined ? {} : { integrity: entry.integrity }),
    }))
}

describe('resolver corpus', () => {
  test('holds at least 50 cases, each with a description and exactly the expectation its case.json names', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(50)
    for (const corpusCase of corpus) {
      expect(corpusCase.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
      expect(corpusCase.case.description.length).toBeGreaterThan(10)
      const present = [LOCKFILE_FILE, ERROR_FILE].filter((file) => fs.existsSync(path.join(corpusCase.dir, file)))
      expect({ name: corpusCase.name, present }).toEqual({
        name: corpusCase.name,
        present: [corpusCase.case.expect === 'lockfile' ? LOCKFILE_FILE : ERROR_FILE],
      })
    }
  })

  test('every expected lockfile is lockfileVersion 3 and the lockfile writer reproduces it byte for byte', () => {
    for (const corpusCase of lockCases) {
      const text = corpusCase.expectedLockfile ?? ''
      const lock = parseExpected(corpusCase, text)
      expect(lock.lockfileVersion).toBe(3)
      expect({ name: corpusCase.name, text: serializeLockfile(lock, detectFormat(text)) }).toEqual({ name: corpusCase.name, text })
    }
  })

  test('stored files name the registry only by the placeholder and hold no port or temp path of the recording', () => {
    const leaks = /127\.0\.0\.1|localhost|skiff-corpus-|skiff-npm-home-|\/tmp\//
    for (const corpusCase of corpus) {
      const stored = [corpusCase.expectedLockfile ?? '', ...(corpusCase.expectedError?.summary ?? []), JSON.stringify(corpusCase.case.baseline ?? {})]
      for (const text of stored) expect({ name: corpusCase.name, leak: leaks.exec(text)?.[0] }).toEqual({ name: corpusCase.name, leak: undefined })
    }
    for (const corpusCase of lockCases) {
      const lock = parseExpected(corpusCase, corpusCase.expectedLockfile ?? '')
      for (const [location, entry] of lock.packages) {
        if (entry.resolved === undefined || entry.link === true) continue
        expect({ location, resolved: entry.resolved.startsWith(REGISTRY_PLACEHOLDER) }).toEqual({ location, resolved: true })
      }
    }
  })

  test('every case error names a code and the summary npm printed after it', () => {
    for (const corpusCase of corpus.filter((item) => item.case.expect === 'error')) {
      expect(corpusCase.expectedError?.code).toMatch(/^E[A-Z0-9]+$/)
      expect(corpusCase.expectedError?.summary.length).toBeGreaterThan(0)
    }
  })

  test("every case's packages build, and each recorded integrity is the one computed from the fixture bytes", async () => {
    for (const corpusCase of corpus) {
      await using registry = await createTestRegistry({ packages: corpusCase.case.packages })
      const locks = [corpusCase.expectedLockfile, corpusCase.case.baseline && `${JSON.stringify(corpusCase.case.baseline, null, 2)}\n`]
      for (const text of locks) {
        if (text === undefined) continue
        for (const entry of registryEntries(parseExpected(corpusCase, text))) {
          expect({ case: corpusCase.name, at: entry.location, integrity: entry.integrity })
            .toEqual({ case: corpusCase.name, at: entry.location, integrity: registry.integrity(entry.name, entry.version) })
        }
      }
    }
  })

  test('no package name is used by two cases', () => {
    const owner = new Map<string, string>()
    for (const corpusCase of corpus) {
      for (const def of corpusCase.case.packages) {
        const first = owner.get(def.name) ?? corpusCase.name
        owner.set(def.name, first)
        expect({ package: def.name, case: first }).toEqual({ package: def.name, case: corpusCase.name })
      }
    }
  })
})

describe('materialise', () => {
  const registryUrl = 'http://127.0.0.1:4873/'

  test('writes package.json in the case format, named after the case, and removes it all on dispose', () => {
    let root = ''
    {
      using project = materialise('package-json-tab-crlf', registryUrl)
      root = project.root
      expect(path.basename(project.dir)).toBe('package-json-tab-crlf')
      const text = fs.readFileSync(path.join(project.dir, 'package.json'), 'utf8')
      expect(text.startsWith('{\r\n\t"name": "package-json-tab-crlf",\r\n')).toBe(true)
      expect(text.endsWith('}\r\n')).toBe(true)
      expect(fs.existsSync(path.join(project.dir, 'package-lock.json'))).toBe(false)
    }
    expect(fs.existsSync(root)).toBe(false)
  })

  test('writes the .npmrc and the workspace folders', () => {
    using npmrc = materialise('peer-conflict-legacy-npmrc', registryUrl)
    expect(fs.readFileSync(path.join(npmrc.dir, '.npmrc'), 'utf8')).toBe('legacy-peer-deps=true\n')
    using workspaces = materialise('workspaces-linked', registryUrl)
    const app = JSON.parse(fs.readFileSync(path.join(workspaces.dir, 'packages/ws-app/package.json'), 'utf8')) as { name: string }
    expect(app.name).toBe('ws-app')
    expect(fs.existsSync(path.join(workspaces.dir, 'packages/ws-lib/package.json'))).toBe(true)
  })

  test('writes the baseline lockfile with the registry URL in place of the placeholder', () => {
    using project = materialise('baseline-add-dependency', registryUrl)
    const text = fs.readFileSync(path.join(project.dir, 'package-lock.json'), 'utf8')
    expect(text).toContain(`"resolved": "${registryUrl}bl-a/-/bl-a-1.0.0.tgz"`)
    expect(text).not.toContain(REGISTRY_PLACEHOLDER)
    expect(withRegistry(REGISTRY_PLACEHOLDER, registryUrl)).toBe(registryUrl)
  })
})

describe('recording helpers', () => {
  test('npmErrorSummary keeps the lines after `npm error code` up to the pointers at the run logs', () => {
    const stderr = [
      'npm warn something first',
      'npm error code ETARGET',
      'npm error notarget No matching version found for a@^2.0.0.',
      'npm error notarget In most cases you or one of your dependencies are requesting',
      'npm error',
      'npm error A complete log of this run can be found in: /home/x/.npm/_logs/debug-0.log',
      '',
    ].join('\n')
    expect(npmErrorSummary(stderr)).toEqual({
      code: 'ETARGET',
      summary: ['notarget No matching version found for a@^2.0.0.', 'notarget In most cases you or one of your dependencies are requesting'],
    })
    expect(npmErrorSummary('npm warn only a warning\n')).toBeUndefined()
  })

  test('parseCaseJson rejects unknown keys and a missing expectation kind', () => {
    const base = { description: 'd', packages: [], packageJson: {} }
    expect(() => parseCaseJson(JSON.stringify({ ...base, expect: 'lockfile', arg: [] }), 'c.json')).toThrow('unknown key "arg"')
    expect(() => parseCaseJson(JSON.stringify(base), 'c.json')).toThrow('expect must be')
    expect(() => parseCaseJson(JSON.stringify({ ...base, expect: 'error', packages: [{ name: 'a' }] }), 'c.json')).toThrow('packages[0].version')
  })
})
