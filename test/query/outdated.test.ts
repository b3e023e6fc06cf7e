import { describe, expect, test } from 'bun:test'
import { createPaint, outdatedRow, renderOutdatedJson, renderOutdatedParseable, renderOutdatedTable, selectOutdatedChecks, sortOutdatedRows, type ActualTree } from '../../src/query/index.ts'
import type { DependencyKind } from '../../src/query/list-tree.ts'
import { parsePackument } from '../../src/resolve/index.ts'
import { treeOf } from './tree-literal.ts'

function packumentOf(name: string, versions: string[], latest: string) {
  const entries = Object.fromEntries(versions.map((version) => [version, { name, version, dist: { tarball: `https://r/${name}-${version}.tgz` } }]))
  return parsePackument({ name, 'dist-tags': { latest }, versions: entries }, name)
}

const packuments = new Map([
  ['ms', packumentOf('ms', ['1.0.0', '1.1.0', '2.0.0', '2.1.0'], '2.1.0')],
  ['real', packumentOf('real', ['1.0.0', '1.5.0'], '1.5.0')],
  ['dev', packumentOf('dev', ['1.0.0', '2.0.0-beta.1'], '1.0.0')],
  ['fresh', packumentOf('fresh', ['3.0.0'], '3.0.0')],
  ['missing', packumentOf('missing', ['1.0.0', '1.2.0'], '1.2.0')],
])

const project = treeOf({
  root: {
    name: 'app',
    version: '1.0.0',
    workspaces: ['packages/*'],
    dependencies: { ms: '^1.0.0', al: 'npm:real@^1.0.0', fresh: '^3.0.0', missing: '^1.0.0', local: 'file:./local' },
    devDependencies: { dev: '^1.0.0', gone: '^1.0.0' },
  },
  packages: {
    'node_modules/ms': { name: 'ms', version: '1.0.0' },
    'node_modules/al': { name: 'real', version: '1.0.0' },
    'node_modules/fresh': { name: 'fresh', version: '3.0.0' },
    'node_modules/dev': { name: 'dev', version: '1.0.0' },
    'packages/w': { name: 'w', version: '0.1.0', dependencies: { ms: '^2.0.0' } },
    'packages/w/node_modules/ms': { name: 'ms', version: '2.0.0' },
    'node_modules/w': 'packages/w',
  },
  workspaces: { w: 'packages/w' },
})

function rows(tree: ActualTree, options: { all?: boolean; names?: string[]; omit?: DependencyKind[] } = {}) {
  const checks = selectOutdatedChecks(tree, { all: options.all ?? false, names: options.names ?? [], omit: new Set(options.omit ?? []) })
  return sortOutdatedRows(checks.flatMap((check) => {
    const packument = packuments.get(check.packageName)
    const row = packument === undefined ? undefined : outdatedRow(check, packument, { nodeVersion: '20.0.0', root: tree.root })
    return row === undefined ? [] : [row]
  }))
}

describe('outdated rows', () => {
  test('direct dependencies of the root and workspaces: current, wanted by the range, latest by the tag', () => {
    expect(rows(project).map((row) => [row.name, row.current, row.wanted, row.latest, row.location, row.dependent, row.workspaceDependent, row.type])).toEqual([
      ['al:real@^1.0.0', '1.0.0', '1.5.0', '1.5.0', 'node_modules/al', 'p', undefined, 'dependencies'],
      ['missing', undefined, '1.2.0', '1.2.0', undefined, 'p', undefined, 'dependencies'],
      ['ms', '1.0.0', '1.1.0', '2.1.0', 'node_modules/ms', 'p', undefined, 'dependencies'],
      ['ms', '2.0.0', '2.1.0', '2.1.0', 'packages/w/node_modules/ms', 'w', 'w@0.1.0', 'dependencies'],
    ])
  })

  test('a missing dev dependency, folders and up-to-date packages are not listed; --omit drops by type', () => {
    const names = rows(project, { omit: ['dev'] }).map((row) => row.name)
    expect(names).not.toContain('gone')
    expect(names).not.toContain('local')
    expect(names).not.toContain('fresh')
    expect(rows(treeOf({ root: { devDependencies: { ms: '^1.0.0' } }, packages: { 'node_modules/ms': { version: '1.0.0' } } }), { omit: ['dev'] })).toEqual([])
  })

  test('names select the edges reaching installed packages of that folder name', () => {
    expect(rows(project, { names: ['ms'] }).map((row) => row.dependedByLocation)).toEqual(['', 'packages/w'])
  })
})

describe('outdated output', () => {
  const list = rows(project)

  test("the table npm prints: right-aligned versions, '-' and MISSING for what is not installed", () => {
    expect(renderOutdatedTable(list, { long: false, paint: createPaint(false) })).toBe([
      'Package         Current  Wanted  Latest  Location                    Depended by',
      'al:real@^1.0.0    1.0.0   1.5.0   1.5.0  node_modules/al             p',
      'missing         MISSING   1.2.0   1.2.0  -                           p',
      'ms                1.0.0   1.1.0   2.1.0  node_modules/ms             p',
      'ms                2.0.0   2.1.0   2.1.0  packages/w/node_modules/ms  w@0.1.0',
    ].join('\n'))
  })

  test('--long adds the type, homepage and dependent location; trailing spaces are trimmed', () => {
    expect(renderOutdatedTable(list.slice(2, 3), { long: true, paint: createPaint(false) })).toBe([
      'Package  Current  Wanted  Latest  Location         Depended by  Package Type  Homepage  Depended By Location',
      'ms         1.0.0   1.1.0   2.1.0  node_modules/ms  p            dependencies',
    ].join('\n'))
  })

  test('colors: bold underlined titles, the name red when the wanted version is not installed', () => {
    const table = renderOutdatedTable(list.slice(2, 3), { long: false, paint: createPaint(true) })
    expect(table.split('\n')[1]).toBe('\u001b[31mms\u001b[39m         1.0.0   \u001b[36m1.1.0\u001b[39m   \u001b[34m2.1.0\u001b[39m  node_modules/ms  p')
    expect(table.startsWith('\u001b[1m\u001b[4mPackage\u001b[24m\u001b[22m  ')).toBe(true)
  })

  test('JSON keyed by name, several places as an array; parseable lines', () => {
    expect(renderOutdatedJson(list, { long: false })).toEqual({
      'al:real@^1.0.0': { current: '1.0.0', wanted: '1.5.0', latest: '1.5.0', dependent: 'p', location: '/p/node_modules/al' },
      missing: { current: undefined, wanted: '1.2.0', latest: '1.2.0', dependent: 'p', location: undefined },
      ms: [
        { current: '1.0.0', wanted: '1.1.0', latest: '2.1.0', dependent: 'p', location: '/p/node_modules/ms' },
        { current: '2.0.0', wanted: '2.1.0', latest: '2.1.0', dependent: 'w', location: '/p/packages/w/node_modules/ms' },
      ],
    })
    expect(renderOutdatedParseable(list, { long: false })).toBe([
      '/p/node_modules/al:al:real@^1.0.0@1.5.0:al:real@^1.0.0@1.0.0:al:real@^1.0.0@1.5.0:p',
      ':missing@1.2.0:MISSING:missing@1.2.0:p',
      '/p/node_modules/ms:ms@1.1.0:ms@1.0.0:ms@2.1.0:p',
      '/p/packages/w/node_modules/ms:ms@2.1.0:ms@2.0.0:ms@2.1.0:w',
    ].join('\n'))
  })
})
