/**
 * Bad input through the CLI: malformed package.json, package-lock.json and .npmrc are refused
 * with an error that names the file, the line and the column, and says what to fix; invalid
 * specs in package.json name the dependency. Nothing is installed.
 */
import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { fixtureSuite, runSkiffFull, tempDir, writeFixtureProject, type SkiffExit } from './fixture.ts'

const suite = fixtureSuite()

interface BadRun extends SkiffExit {
  dir: string
}

async function runWith(base: string, edit: (dir: string) => void, command = 'ci'): Promise<BadRun> {
  const dir = writeFixtureProject(suite.registry, base)
  edit(dir)
  const run = await runSkiffFull(dir, [command], { registry: suite.registry.url })
  return { ...run, dir }
}

function editPackageJson(dir: string, edit: (json: Record<string, Record<string, unknown>>) => void): void {
  const file = path.join(dir, 'package.json')
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>
  edit(json)
  fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`)
}

/** The error's first line; running from source, Bun may print its own parse report after skiff's. */
function firstLine(run: SkiffExit): string {
  return run.stderr.split('\n')[0] ?? ''
}

function expectNothingInstalled(run: BadRun): void {
  expect(run.code).toBe(1)
  expect(fs.existsSync(path.join(run.dir, 'node_modules'))).toBe(false)
}

describe('bad input', () => {
  for (const command of ['ci', 'install']) {
    test(`skiff ${command}: a package.json with a syntax error names the file, line and column, and what was expected`, async () => {
      await using tmp = tempDir()
      const run = await runWith(tmp.path, (dir) => {
        fs.writeFileSync(path.join(dir, 'package.json'), '{\n  "name": "app",\n  "version": "1.0.0"\n  "dependencies": {}\n}\n')
      }, command)
      expectNothingInstalled(run)
      expect(firstLine(run)).toBe(`error EJSONPARSE ${path.join(run.dir, 'package.json')}: invalid JSON at line 4, column 3: unexpected '"', expected "," or "}"`)
      expect(run.stderr).toContain('hint: fix package.json and try again')
    })

    test(`skiff ${command}: a package-lock.json with a syntax error names the file, line and column`, async () => {
      await using tmp = tempDir()
      const run = await runWith(tmp.path, (dir) => {
        const file = path.join(dir, 'package-lock.json')
        fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"lockfileVersion": 3,', '"lockfileVersion": 3'))
      }, command)
      expectNothingInstalled(run)
      expect(firstLine(run)).toBe(`error EJSONPARSE ${path.join(run.dir, 'package-lock.json')}: invalid JSON at line 5, column 3: unexpected '"', expected "," or "}"`)
      expect(run.stderr).toContain('hint: the lockfile is damaged; regenerate it with `skiff install`')
    })
  }

  test('a package-lock.json with merge conflict markers says to resolve the conflict', async () => {
    await using tmp = tempDir()
    const run = await runWith(tmp.path, (dir) => {
      fs.writeFileSync(path.join(dir, 'package-lock.json'), '<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> theirs\n')
    })
    expectNothingInstalled(run)
    expect(firstLine(run)).toBe(`error EJSONPARSE ${path.join(run.dir, 'package-lock.json')}: invalid JSON at line 1, column 1: unexpected '<', expected a value`)
    expect(run.stderr).toContain('hint: the file contains git merge conflict markers (<<<<<<<); resolve the conflict first')
  })

  test('a lockfile field of the wrong type names the file, the entry and the field', async () => {
    await using tmp = tempDir()
    const run = await runWith(tmp.path, (dir) => {
      const file = path.join(dir, 'package-lock.json')
      const lock = JSON.parse(fs.readFileSync(file, 'utf8')) as { packages: Record<string, Record<string, unknown>> }
      const alpha = lock.packages['node_modules/alpha']
      if (alpha) alpha.version = 1
      fs.writeFileSync(file, JSON.stringify(lock, null, 2))
    })
    expectNothingInstalled(run)
    expect(firstLine(run)).toBe(`error EJSONPARSE ${path.join(run.dir, 'package-lock.json')}: packages["node_modules/alpha"].version must be a string, found 1`)
  })

  const npmrcCases: Array<[string, string, string]> = [
    ['a line with no key before "="', 'registry=http://127.0.0.1:9/\n  = value\n', ':2:3: no key before "="'],
    ['an unterminated double quote', 'color=true\nuser-agent="skiff\n', ':2:12: a value that starts with a double quote must end with one'],
    ['a section header without its "]"', '[broken\n', ':1:1: a section header needs a closing "]"'],
    ['a value that does not fit its setting', 'fetch-retries=lots\n', ':1: fetch-retries must be a number, got "lots"'],
  ]
  for (const [name, text, expected] of npmrcCases) {
    test(`an .npmrc with ${name} names the file, the line${expected.split(':').length > 3 ? ' and the column' : ''}`, async () => {
      await using tmp = tempDir()
      const run = await runWith(tmp.path, (dir) => fs.writeFileSync(path.join(dir, '.npmrc'), text))
      expectNothingInstalled(run)
      expect(firstLine(run)).toStartWith(`error ECONFIG ${path.join(run.dir, '.npmrc')}${expected}`)
      expect(run.stderr).toMatch(/hint: fix/)
    })
  }

  test('a dependency whose spec is not a string is refused, naming package.json and the dependency', async () => {
    for (const command of ['ci', 'install']) {
      await using tmp = tempDir()
      const run = await runWith(tmp.path, (dir) => editPackageJson(dir, (json) => {
        if (json.dependencies) json.dependencies.alpha = 1
      }), command)
      expectNothingInstalled(run)
      expect(firstLine(run)).toBe(`error EBADSPEC ${path.join(run.dir, 'package.json')}: dependencies["alpha"] must be a string, found 1`)
    }
  })

  test('skiff ci: an invalid range in package.json names the dependency and the locked version it does not admit', async () => {
    await using tmp = tempDir()
    const run = await runWith(tmp.path, (dir) => editPackageJson(dir, (json) => {
      if (json.dependencies) json.dependencies.alpha = '^^1.x.y'
    }))
    expectNothingInstalled(run)
    expect(firstLine(run)).toStartWith('error ELOCKSYNC ')
    expect(run.stderr).toContain("Invalid: lock file's alpha@1.0.0 does not satisfy alpha@^^1.x.y")
  })

  const installCases: Array<[string, string, string, string]> = [
    ['an invalid range', 'alpha', '^^1.x.y', 'error EINVALIDTAGNAME invalid tag name "^^1.x.y" in "alpha@^^1.x.y"'],
    ['an invalid name', 'foo bar', '1.0.0', 'error EINVALIDPACKAGENAME invalid package name "foo bar" in "foo bar@1.0.0"'],
    ['an unsupported protocol', 'alpha', 'workspace:*', 'error EUNSUPPORTEDPROTOCOL unsupported spec type "workspace:" in "alpha@workspace:*"'],
  ]
  for (const [name, dependency, spec, expected] of installCases) {
    test(`skiff install: ${name} in package.json names the dependency`, async () => {
      await using tmp = tempDir()
      const run = await runWith(tmp.path, (dir) => editPackageJson(dir, (json) => {
        if (json.dependencies) json.dependencies[dependency] = spec
      }), 'install')
      expectNothingInstalled(run)
      expect(firstLine(run)).toStartWith(expected)
    })
  }
})
