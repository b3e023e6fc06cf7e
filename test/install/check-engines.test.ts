import { describe, expect, test } from 'bun:test'
import { checkEngines, describeMismatch, type EngineSettings } from '../../src/install/check-engines.ts'
import type { LockEntry, Lockfile } from '../../src/lockfile/index.ts'

function lockOf(packages: Record<string, LockEntry>): Lockfile {
  return { file: '/p/package-lock.json', kind: 'package-lock.json', lockfileVersion: 3, packages: new Map(Object.entries(packages)) }
}

const engines = (extra: Partial<EngineSettings> = {}): EngineSettings => ({ nodeVersion: 'v20.20.2', npmVersion: '11.19.1', strict: false, force: false, ...extra })
const none = new Set<'dev' | 'optional' | 'peer'>()

const lock = lockOf({
  '': { name: 'app', version: '1.0.0' },
  'node_modules/new-node': { version: '0.12.1', engines: { node: '>=22.15.0' } },
  'node_modules/new-npm': { version: '1.0.0', engines: { npm: '>=12' } },
  'node_modules/fits': { version: '1.0.0', engines: { node: '>=18' } },
  'node_modules/old-array': { version: '1.0.0', engines: ['node >= 99'] },
  'node_modules/optional-new': { version: '1.0.0', optional: true, engines: { node: '>=99' } },
  'node_modules/dev-new': { version: '1.0.0', dev: true, engines: { node: '>=99' } },
})

describe('checkEngines', () => {
  test('every required package whose engines exclude this node or npm is a warning; optional ones and old array forms are not', () => {
    expect(checkEngines(lock, { engines: engines(), omit: none })).toEqual([
      { pkg: 'new-node@0.12.1', required: { node: '>=22.15.0' } },
      { pkg: 'new-npm@1.0.0', required: { npm: '>=12' } },
      { pkg: 'dev-new@1.0.0', required: { node: '>=99' } },
    ])
  })

  test('omitted packages are not checked', () => {
    expect(checkEngines(lock, { engines: engines(), omit: new Set(['dev']) }).map((mismatch) => mismatch.pkg)).toEqual(['new-node@0.12.1', 'new-npm@1.0.0'])
  })

  test('engine-strict makes it EBADENGINE naming every package and the versions found', () => {
    expect(() => checkEngines(lock, { engines: engines({ strict: true }), omit: none })).toThrow(
      expect.objectContaining({
        code: 'EBADENGINE',
        details: expect.objectContaining({
          lines: ['new-node@0.12.1 requires {"node":">=22.15.0"}', 'new-npm@1.0.0 requires {"npm":">=12"}', 'dev-new@1.0.0 requires {"node":">=99"}', 'actual: {"node":"v20.20.2","npm":"11.19.1"}'],
        }),
      }),
    )
  })

  test('--force leaves out the node part of the check, not the npm part, as npm-install-checks does', () => {
    expect(() => checkEngines(lock, { engines: engines({ strict: true, force: true }), omit: none })).toThrow(
      expect.objectContaining({ code: 'EBADENGINE', message: expect.stringContaining('new-npm@1.0.0') }),
    )
  })

  test("the project's own engines count, from its package.json, unless it declares devEngines", () => {
    const project = lockOf({ '': { name: 'app', version: '1.0.0' }, 'packages/w': { version: '2.0.0' }, 'node_modules/w': { link: true, resolved: 'packages/w' } })
    const folders = new Map<string, Record<string, unknown>>([
      ['', { name: 'app', version: '1.0.0', engines: { node: '>=99' } }],
      ['packages/w', { name: 'w', version: '2.0.0', engines: { node: '<10' } }],
    ])
    expect(checkEngines(project, { engines: engines(), omit: none, folders })).toEqual([
      { pkg: 'app@1.0.0', required: { node: '>=99' } },
      { pkg: 'w@2.0.0', required: { node: '<10' } },
    ])
    folders.set('', { name: 'app', version: '1.0.0', engines: { node: '>=99' }, devEngines: { runtime: { name: 'node' } } })
    expect(checkEngines(project, { engines: engines(), omit: none, folders }).map((mismatch) => mismatch.pkg)).toEqual(['w@2.0.0'])
  })

  test('a warning names the package, what it requires and what runs', () => {
    expect(describeMismatch({ pkg: 'x@1.0.0', required: { node: '>=99' } }, engines())).toEqual({
      message: 'Unsupported engine for x@1.0.0',
      lines: ['required: {"node":">=99"}', 'current: {"node":"v20.20.2","npm":"11.19.1"}'],
    })
  })
})
