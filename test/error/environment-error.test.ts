import { describe, expect, test } from 'bun:test'
import { formatError } from '../../src/cli/print-error.ts'
import { asEnvironmentError, environmentError, findEnvironmentFault, SkiffError } from '../../src/error/index.ts'

function systemError(code: string, path?: string, syscall?: string): Error {
  return Object.assign(new Error(`${code}: failed`), { code, ...(path ? { path } : {}), ...(syscall ? { syscall } : {}) })
}

const places = { cache: '/home/ci/.cache/skiff', project: '/work/app' }
const noRedaction = (text: string) => text

describe('findEnvironmentFault', () => {
  test('finds the errno, path and call under any depth of causes', () => {
    const inner = systemError('ENOSPC', '/home/ci/.cache/skiff/v1/tmp/x/lib/a.js', 'open')
    const wrapped = new SkiffError('ESTORE', 'a@1.0.0: cannot write', { cause: new SkiffError('EINTERNAL', 'x', { cause: inner }) })
    expect(findEnvironmentFault(wrapped)).toEqual({ errno: 'ENOSPC', path: '/home/ci/.cache/skiff/v1/tmp/x/lib/a.js', syscall: 'open' })
  })

  test('a path the system error lacks is taken from the error around it (a failed write names none)', () => {
    const wrapped = new SkiffError('ESTORE', 'x', { path: '/home/ci/.cache/skiff/v1/tmp/k', cause: systemError('ENOSPC') })
    expect(findEnvironmentFault(wrapped)).toEqual({ errno: 'ENOSPC', path: '/home/ci/.cache/skiff/v1/tmp/k' })
  })

  test('errors that are not faults of the machine are not: a missing file, a refused connection', () => {
    expect(findEnvironmentFault(systemError('ENOENT', '/x'))).toBeUndefined()
    expect(findEnvironmentFault(systemError('ECONNREFUSED'))).toBeUndefined()
    expect(findEnvironmentFault(new Error('plain'))).toBeUndefined()
  })

  test("a SkiffError coded with the errno is not itself the fault: its cause is", () => {
    const aggregate = new SkiffError('EROFS', '9 packages could not be installed', { cause: systemError('EROFS', '/work/app/node_modules', 'mkdir') })
    expect(findEnvironmentFault(aggregate)).toEqual({ errno: 'EROFS', path: '/work/app/node_modules', syscall: 'mkdir' })
  })
})

describe('environmentError', () => {
  test.each([
    ['ENOSPC', '/home/ci/.cache/skiff/v1/tmp/x', 'the cache at /home/ci/.cache/skiff: no space left on the device (write v1/tmp/x)', 'free space on the disk that holds the cache, or use another cache folder with --cache or SKIFF_CACHE_DIR'],
    ['ENOSPC', '/work/app/node_modules/a/b.js', 'the project at /work/app: no space left on the device (write node_modules/a/b.js)', 'free space on that disk, then run the install again'],
    ['EACCES', '/home/ci/.cache/skiff/v1', 'the cache at /home/ci/.cache/skiff: permission denied (write v1)', "the current user may not write there: fix the cache's owner or permissions, or use another cache folder with --cache or SKIFF_CACHE_DIR"],
    ['EROFS', '/work/app/node_modules', 'the project at /work/app: read-only file system (write node_modules)', 'the project folder is read-only: mount it writable, or install in a writable copy'],
    ['EROFS', '/home/ci/.cache', 'the cache at /home/ci/.cache/skiff: read-only file system (write /home/ci/.cache)', 'a read-only cache serves only the packages it already holds: to add others, use another cache folder with --cache or SKIFF_CACHE_DIR'],
    ['EBUSY', '/work/app/node_modules', 'the project at /work/app: the folder is busy (in use, or a mount point) (write node_modules)', 'the folder is in use, or is a mount point that cannot be replaced: stop what uses it, then run the install again'],
    ['EMFILE', '/elsewhere/x', '/elsewhere/x: too many open files (write /elsewhere/x)', 'raise the open-files limit (ulimit -n) and run the install again'],
  ] as const)('%s at %s', (errno, path, message, hint) => {
    const error = environmentError({ errno, path, syscall: 'write' }, places)
    expect(error.code).toBe(errno)
    expect(error.message).toBe(message)
    expect(error.hint).toBe(hint)
  })

  test('what the install could not do is said after the fault, once', () => {
    const error = environmentError({ errno: 'ENOSPC', path: '/work/app/node_modules/a' }, places, '91 packages could not be installed')
    expect(error.message).toBe('the project at /work/app: no space left on the device (node_modules/a); 91 packages could not be installed')
  })
})

describe('asEnvironmentError and the printer', () => {
  test('a system error that escaped is one paragraph, not a bug report with a stack', () => {
    const printed = formatError(systemError('EROFS', '/home/ci/.cache/skiff/v1/tmp', 'mkdir'), noRedaction, places)
    expect(printed.text).toBe(
      [
        'error EROFS the cache at /home/ci/.cache/skiff: read-only file system (mkdir v1/tmp)',
        '  hint: a read-only cache serves only the packages it already holds: to add others, use another cache folder with --cache or SKIFF_CACHE_DIR',
      ].join('\n'),
    )
    expect(printed.exitCode).toBe(1)
  })

  test('a link error around a fault names the package it stopped', () => {
    const error = new SkiffError('ELINK', 'a@1.0.0: could not link into /work/app/node_modules/a: EACCES', { pkg: 'a@1.0.0', cause: systemError('EACCES', '/work/app/node_modules/a', 'mkdir') })
    expect(asEnvironmentError(error, places)?.message).toBe('the project at /work/app: permission denied (mkdir node_modules/a); a@1.0.0 could not be installed')
  })

  test('an error that says something more precise keeps its own code', () => {
    const error = new SkiffError('EINTEGRITY', 'a@1.0.0: tarball sha512 does not match', { cause: systemError('EACCES', '/x') })
    expect(asEnvironmentError(error, places)).toBeUndefined()
    expect(formatError(error, noRedaction, places).text).toStartWith('error EINTEGRITY')
  })
})

describe('formatError causes', () => {
  test("a cause whose message begins with its code is printed once, not with the code twice", () => {
    const missing = Object.assign(new Error("ENOENT: no such file or directory, open '/w/dep/package.json'"), { code: 'ENOENT' })
    const bare = Object.assign(new Error('socket closed'), { code: 'ECONNRESET' })
    const error = new SkiffError('ENOENT', 'could not read /w/dep/package.json: no such file or directory', { cause: missing })
    expect(formatError(error, noRedaction, places).text.split('\n')[1]).toBe("  cause: ENOENT: no such file or directory, open '/w/dep/package.json'")
    const reset = new SkiffError('EFETCH', 'could not fetch a', { cause: bare })
    expect(formatError(reset, noRedaction, places).text.split('\n')[1]).toBe('  cause: ECONNRESET socket closed')
  })
})
