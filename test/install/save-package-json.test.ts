import { describe, expect, test } from 'bun:test'
import { applyPackageJsonChanges, formatPackageJson, savedSpec } from '../../src/install/save-package-json.ts'
import { parseSpecArg } from '../../src/spec/index.ts'

const save = (arg: string, installedVersion?: string, savePrefix = '^') => {
  const spec = parseSpecArg(arg, '/p')
  return savedSpec({ name: spec.name ?? '', spec, installedVersion }, { projectDir: '/p', savePrefix })
}

describe('savedSpec', () => {
  // the rules of npm 11.19's saveIdealTree (arborist reify.js)
  test.each([
    ['react', '19.2.0', '^', '^19.2.0'],
    ['react@latest', '19.2.0', '^', '^19.2.0'],
    ['react@18', '18.3.1', '^', '^18.3.1'],
    ['react@18.3.1', '18.3.1', '^', '^18.3.1'],
    ['react@18.3.1', '18.3.1', '', '18.3.1'],
    ['react@~18.2.0', '18.2.1', '^', '~18.2.0'],
    ['react@>=1 <2', '1.9.0', '^', '^1.9.0'],
    ['react@1.x <1.2.3', '1.2.2', '^', '1.x <1.2.3'],
    ['react@*', '19.2.0', '^', '^19.2.0'],
    ['alias@npm:react@18', '18.3.1', '^', 'npm:react@^18.3.1'],
  ])('%s installed as %s with prefix %p saves %s', (arg, version, prefix, expected) => {
    expect(save(arg, version, prefix)).toBe(expected)
  })

  test('local folders save a file: path relative to the project', () => {
    expect(save('./libs/a')).toBe('file:libs/a')
    expect(save('../x.tgz')).toBe('file:../x.tgz')
  })
})

describe('applyPackageJsonChanges', () => {
  test('a new dependency goes into dependencies, sorted, and other keys keep their place', () => {
    const next = applyPackageJsonChanges(
      { name: 'app', dependencies: { zed: '1', alpha: '1' }, scripts: { test: 'x' } },
      { add: [{ name: 'mid', spec: '^2.0.0' }], remove: [] },
    )
    expect(Object.keys(next)).toEqual(['name', 'dependencies', 'scripts'])
    expect(next.dependencies).toEqual({ alpha: '1', mid: '^2.0.0', zed: '1' })
    expect(Object.keys(next.dependencies as object)).toEqual(['alpha', 'mid', 'zed'])
  })

  test('--save-dev moves a dependency, and an emptied field is removed', () => {
    const next = applyPackageJsonChanges({ dependencies: { a: '1' } }, { add: [{ name: 'a', spec: '^1.0.0', saveType: 'dev' }], remove: [] })
    expect(next).toEqual({ devDependencies: { a: '^1.0.0' } })
  })

  test('an existing dependency is updated where it is, and uninstall removes it everywhere', () => {
    const original = { dependencies: { a: '1', b: '1' }, devDependencies: { c: '1' }, peerDependencies: { b: '1' } }
    expect(applyPackageJsonChanges(original, { add: [{ name: 'b', spec: '^2.0.0' }], remove: [] })).toEqual({
      dependencies: { a: '1', b: '^2.0.0' },
      devDependencies: { c: '1' },
      peerDependencies: { b: '^2.0.0' },
    })
    expect(applyPackageJsonChanges(original, { add: [], remove: ['b', 'c'] })).toEqual({ dependencies: { a: '1' } })
  })

  test('an optional dependency leaves dependencies', () => {
    expect(applyPackageJsonChanges({ dependencies: { a: '1' } }, { add: [{ name: 'a', spec: '^1.0.0', saveType: 'optional' }], remove: [] })).toEqual({
      optionalDependencies: { a: '^1.0.0' },
    })
  })

  test('the file keeps its indent and newline', () => {
    expect(formatPackageJson({ a: { b: 1 } }, { indent: '\t', newline: '\r\n' })).toBe('{\r\n\t"a": {\r\n\t\t"b": 1\r\n\t}\r\n}\r\n')
  })
})
