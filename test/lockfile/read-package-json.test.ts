import { describe, expect, test } from 'bun:test'
import path from 'node:path'
import { isSkiffError } from '../../src/error/index.ts'
import { readPackageJson } from '../../src/lockfile/index.ts'
import { caught, createProject } from './helpers.ts'

describe('readPackageJson', () => {
  test('returns the data, the text and the indent and newline npm would keep', async () => {
    const text = '{\r\n\t"name": "app",\r\n\t"version": "1.0.0"\r\n}\r\n'
    using project = createProject({ 'package.json': text })
    expect(await readPackageJson(project.dir)).toEqual({ data: { name: 'app', version: '1.0.0' }, text, indent: '\t', newline: '\r\n' })
  })

  test('a syntax error is EJSONPARSE naming package.json, the line and the column', async () => {
    using project = createProject({ 'package.json': '{\n  "name": "app",\n  "dependencies": {\n    "a": "^1",\n  }\n}\n' })
    const error = await caught(() => readPackageJson(project.dir))
    if (!isSkiffError(error)) throw error
    expect(error.code).toBe('EJSONPARSE')
    expect(error.details.file).toBe(path.join(project.dir, 'package.json'))
    expect(error.message).toContain('line 5, column 3')
  })

  test('a file that is not an object is EJSONPARSE', async () => {
    using project = createProject({ 'package.json': '["app"]' })
    const error = await caught(() => readPackageJson(project.dir))
    if (!isSkiffError(error)) throw error
    expect(error.code).toBe('EJSONPARSE')
  })

  test('a missing package.json is the system ENOENT error, so callers can tell absence', async () => {
    using project = createProject({})
    const error = await caught(() => readPackageJson(project.dir))
    expect((error as { code?: unknown }).code).toBe('ENOENT')
  })
})
