import { describe, expect, test } from 'bun:test'
import { isSkiffError } from '../../src/error/index.ts'
import { parseLockfile } from '../../src/lockfile/index.ts'
import { parseSpecArg } from '../../src/spec/index.ts'
import { buildIdealTree } from '../../src/resolve/index.ts'
import { memoryRegistry, resolveOptions, resolveProject, tarballUrl } from './memory-registry.ts'

const project = (dependencies: Record<string, string>, extra: Record<string, unknown> = {}) => ({ name: 'app', version: '1.0.0', dependencies, ...extra })

async function errorOf(promise: Promise<unknown>): Promise<{ code: string; lines: string[]; message: string }> {
  try {
    await promise
  } catch (error) {
    if (isSkiffError(error)) return { code: error.code, lines: error.details.lines ?? [], message: error.message }
    return { code: String((error as { code?: unknown }).code), lines: [], message: String(error) }
  }
  throw new Error('expected a failure')
}

describe('placement', () => {
  test('the highest acceptable version goes to the top and an older one is nested under its dependent', async () => {
    const registry = { a: { '1.0.0': { dependencies: { b: '1' } } }, b: { '1.0.0': {}, '2.0.0': {} } }
    const { versions } = await resolveProject(registry, project({ a: '1', b: '1 || 2' }))
    expect(versions).toEqual({ 'node_modules/a': '1.0.0', 'node_modules/a/node_modules/b': '1.0.0', 'node_modules/b': '2.0.0' })
  })

  test('preferDedupe keeps one copy when an older version satisfies everyone', async () => {
    const registry = { a: { '1.0.0': { dependencies: { b: '1' } } }, b: { '1.0.0': {}, '2.0.0': {} } }
    const { versions } = await resolveProject(registry, project({ a: '1', b: '1 || 2' }), { options: { preferDedupe: true } })
    expect(versions).toEqual({ 'node_modules/a': '1.0.0', 'node_modules/b': '1.0.0' })
  })

  test('a transitive dependency is hoisted as high as no conflict forbids', async () => {
    const registry = {
      a: { '1.0.0': { dependencies: { c: '^1' } } },
      b: { '1.0.0': { dependencies: { c: '^2', d: '^1' } } },
      c: { '1.0.0': {}, '2.0.0': {} },
      d: { '1.0.0': { dependencies: { c: '^2' } } },
    }
    const { versions } = await resolveProject(registry, project({ a: '^1', b: '^1' }))
    expect(versions).toEqual({
      'node_modules/a': '1.0.0',
      'node_modules/b': '1.0.0',
      'node_modules/b/node_modules/c': '2.0.0',
      'node_modules/c': '1.0.0',
      'node_modules/d': '1.0.0',
      'node_modules/d/node_modules/c': '2.0.0',
    })
  })

  test('a dependency cycle is placed once, each side satisfied by the other', async () => {
    const registry = { a: { '1.0.0': { dependencies: { b: '^1' } } }, b: { '1.0.0': { dependencies: { a: '^1' } } } }
    const { versions } = await resolveProject(registry, project({ a: '^1' }))
    expect(versions).toEqual({ 'node_modules/a': '1.0.0', 'node_modules/b': '1.0.0' })
  })
})

describe('peer dependencies', () => {
  const registry = {
    plugin: { '1.0.0': { peerDependencies: { host: '^1' } } },
    host: { '1.0.0': {}, '2.0.0': {} },
    wrapper: { '1.0.0': { dependencies: { plugin: '^1' } } },
  }

  test('a peer is placed beside its dependent, at the version the peer range wants, and flagged peer', async () => {
    const { packages } = await resolveProject(registry, project({ plugin: '^1' }))
    expect(packages.get('node_modules/host')).toMatchObject({ version: '1.0.0', peer: true })
  })

  test('a peer conflict with the project is ERESOLVE, explained as npm explains it', async () => {
    const failure = await errorOf(resolveProject(registry, project({ plugin: '^1', host: '^2' })))
    expect(failure.code).toBe('ERESOLVE')
    expect(failure.message).toBe('unable to resolve dependency tree')
    expect(failure.lines).toEqual([
      'While resolving: app@1.0.0',
      'Found: host@2.0.0',
      'node_modules/host',
      '  host@"^2" from the root project',
      '',
      'Could not resolve dependency:',
      'peer host@"^1" from plugin@1.0.0',
      'node_modules/plugin',
      '  plugin@"^1" from the root project',
    ])
  })

  test('--force accepts the conflict: the project keeps its version and a warning is given', async () => {
    const { versions, warnings } = await resolveProject(registry, project({ plugin: '^1', host: '^2' }), { options: { force: true } })
    expect(versions['node_modules/host']).toBe('2.0.0')
    expect(warnings.map((warning) => warning.code)).toContain('ERESOLVE')
  })

  test('a conflict below the project is nested beside the dependent, even with strict peer deps', async () => {
    const manifest = project({ wrapper: '^1', host: '^2' })
    const expected = {
      'node_modules/host': '2.0.0',
      'node_modules/wrapper': '1.0.0',
      'node_modules/wrapper/node_modules/host': '1.0.0',
      'node_modules/wrapper/node_modules/plugin': '1.0.0',
    }
    expect((await resolveProject(registry, manifest)).versions).toEqual(expected)
    expect((await resolveProject(registry, manifest, { options: { strictPeerDeps: true } })).versions).toEqual(expected)
  })

  test('a peer set that clashes with the dependent\'s own dependency goes above it, or is ERESOLVE with strict peer deps', async () => {
    const stubborn = { ...registry, wrapper: { '1.0.0': { dependencies: { plugin: '^1', host: '^2' } } } }
    const { versions } = await resolveProject(stubborn, project({ wrapper: '^1' }))
    expect(versions).toEqual({
      'node_modules/host': '1.0.0',
      'node_modules/plugin': '1.0.0',
      'node_modules/wrapper': '1.0.0',
      'node_modules/wrapper/node_modules/host': '2.0.0',
    })
    const failure = await errorOf(resolveProject(stubborn, project({ wrapper: '^1' }), { options: { strictPeerDeps: true } }))
    expect(failure.code).toBe('ERESOLVE')
    expect(failure.lines[0]).toBe('While resolving: wrapper@1.0.0')
  })

  test('legacyPeerDeps leaves peers out of the tree', async () => {
    const { versions } = await resolveProject(registry, project({ plugin: '^1' }), { options: { legacyPeerDeps: true } })
    expect(versions).toEqual({ 'node_modules/plugin': '1.0.0' })
  })

  test('an optional peer is not installed when nothing else needs it', async () => {
    const withOptionalPeer = { ...registry, plugin: { '1.0.0': { peerDependencies: { host: '^1' }, peerDependenciesMeta: { host: { optional: true } } } } }
    const { versions } = await resolveProject(withOptionalPeer, project({ plugin: '^1' }))
    expect(versions).toEqual({ 'node_modules/plugin': '1.0.0' })
  })
})

describe('optional and platform-specific packages', () => {
  test('an optional dependency that does not exist is left out, and the install goes on', async () => {
    const { versions } = await resolveProject({ a: { '1.0.0': { optionalDependencies: { missing: '^1' } } } }, project({ a: '^1' }))
    expect(versions).toEqual({ 'node_modules/a': '1.0.0' })
  })

  test('a required dependency with no matching version fails with ETARGET naming it', async () => {
    const failure = await errorOf(resolveProject({ a: { '1.0.0': {} } }, project({ a: '^2' })))
    expect(failure.code).toBe('ETARGET')
    expect(failure.message).toContain('a@^2')
  })

  test('optional packages for another platform stay in the lockfile with their os and cpu', async () => {
    const registry = { tool: { '1.0.0': { optionalDependencies: { 'tool-win': '1.0.0' } } }, 'tool-win': { '1.0.0': { os: ['win32'], cpu: ['x64'] } } }
    const { packages } = await resolveProject(registry, project({ tool: '^1' }), { options: { platform: { os: 'linux', cpu: 'x64' } } })
    expect(packages.get('node_modules/tool-win')).toMatchObject({ version: '1.0.0', optional: true, os: ['win32'], cpu: ['x64'] })
  })

  test('optional packages for another platform are listed as inert: locked, not to be installed', async () => {
    const registry = { tool: { '1.0.0': { optionalDependencies: { 'tool-win': '1.0.0', 'tool-linux': '1.0.0' } } }, 'tool-win': { '1.0.0': { os: ['win32'] } }, 'tool-linux': { '1.0.0': { os: ['linux'] } } }
    const tree = await buildIdealTree({
      projectDir: '/project',
      rootManifest: project({ tool: '^1' }),
      ...memoryRegistry(registry),
      options: resolveOptions({ platform: { os: 'linux', cpu: 'x64' } }),
    })
    expect([...tree.inert]).toEqual(['node_modules/tool-win'])
  })

  test('a package for another platform that only a left-out kind of dependency needs is no error', async () => {
    const registry = { w: { '1.0.0': { os: ['win32'] } } }
    const { versions } = await resolveProject(registry, { name: 'app', devDependencies: { w: '^1' } }, { options: { platform: { os: 'linux', cpu: 'x64' }, omit: ['dev'] } })
    expect(versions).toEqual({ 'node_modules/w': '1.0.0' })
  })

  test('a required package for another platform is EBADPLATFORM', async () => {
    const failure = await errorOf(resolveProject({ w: { '1.0.0': { os: ['win32'] } } }, project({ w: '^1' }), { options: { platform: { os: 'linux', cpu: 'x64' } } }))
    expect(failure.code).toBe('EBADPLATFORM')
  })
})

describe('dependency flags', () => {
  test('dev, optional and devOptional follow the kinds of paths that reach a package', async () => {
    const registry = {
      lint: { '1.0.0': { dependencies: { shared: '^1', devonly: '^1' } } },
      watcher: { '1.0.0': { dependencies: { shared: '^1' } } },
      shared: { '1.0.0': {} },
      devonly: { '1.0.0': {} },
    }
    const { packages } = await resolveProject(registry, { name: 'app', devDependencies: { lint: '^1' }, optionalDependencies: { watcher: '^1' } })
    expect(packages.get('node_modules/lint')).toMatchObject({ dev: true })
    expect(packages.get('node_modules/devonly')).toMatchObject({ dev: true })
    expect(packages.get('node_modules/watcher')).toMatchObject({ optional: true })
    expect(packages.get('node_modules/shared')).toMatchObject({ devOptional: true })
    expect(packages.get('node_modules/shared')?.dev).toBeUndefined()
  })
})

describe('specs', () => {
  test('an npm: alias is installed under its own name and locks the real name', async () => {
    const registry = { real: { '1.0.0': {}, '2.0.0': {} } }
    const { packages } = await resolveProject(registry, project({ real: '^1', other: 'npm:real@^2' }))
    expect(packages.get('node_modules/other')).toMatchObject({ name: 'real', version: '2.0.0', resolved: tarballUrl('real', '2.0.0') })
    expect(packages.get('node_modules/real')?.name).toBeUndefined()
  })

  test('a dist-tag picks the version it points at', async () => {
    const registry = { a: { '1.0.0': {}, '2.0.0-beta.1': {}, 'dist-tags': { latest: '1.0.0', next: '2.0.0-beta.1' } } }
    const { versions } = await resolveProject(registry, project({ a: 'next' }))
    expect(versions['node_modules/a']).toBe('2.0.0-beta.1')
  })

  test('git dependencies are refused with EUNSUPPORTED', async () => {
    const failure = await errorOf(resolveProject({}, project({ g: 'github:user/repo' })))
    expect(failure.code).toBe('EUNSUPPORTED')
  })

  test('a remote tarball is locked with its URL and the integrity of its bytes', async () => {
    const url = 'https://example.test/t.tgz'
    const { packages } = await resolveProject({}, project({ t: url }), {
      readTarball: async () => ({ integrity: 'sha512-bytes', manifest: { name: 't', version: '3.0.0' }, bundled: [] }),
    })
    expect(packages.get('node_modules/t')).toEqual({ version: '3.0.0', resolved: url, integrity: 'sha512-bytes' })
  })

  test('a file: folder is linked, and its own entry is locked at its folder', async () => {
    const { packages } = await resolveProject({ a: { '1.0.0': {} } }, project({ lib: 'file:./lib' }), {
      readFolderManifest: async () => ({ name: 'lib', version: '0.1.0', dependencies: { a: '^1' } }),
    })
    expect(packages.get('node_modules/lib')).toEqual({ resolved: 'lib', link: true })
    expect(packages.get('lib')).toEqual({ version: '0.1.0', dependencies: { a: '^1' } })
    expect(packages.get('node_modules/a')?.version).toBe('1.0.0')
  })
})

describe('workspaces, bundles and overrides', () => {
  test('workspaces are linked from node_modules and their dependencies resolved beside the project', async () => {
    const registry = { a: { '1.0.0': {}, '2.0.0': {} } }
    const ws = { name: 'ws', version: '0.0.1', dependencies: { a: '^2' }, devDependencies: { a: '^2' } }
    const { packages } = await resolveProject(registry, { name: 'app', workspaces: ['packages/*'], dependencies: { a: '^1' } }, {
      workspaces: new Map([['packages/ws', ws]]),
      readFolderManifest: async () => ws,
    })
    expect(packages.get('node_modules/ws')).toEqual({ resolved: 'packages/ws', link: true })
    expect(packages.get('packages/ws')).toEqual({ version: '0.0.1', dependencies: { a: '^2' }, devDependencies: { a: '^2' } })
    expect(packages.get('packages/ws/node_modules/a')?.version).toBe('2.0.0')
    expect(packages.get('node_modules/a')?.version).toBe('1.0.0')
  })

  test('a workspace whose edge a placement breaks is walked before deeper packages, as npm walks it', async () => {
    const registry = {
      b: { '1.0.0': { dependencies: { d: '^3.0.0' }, peerDependencies: { e: '^2.0.0' } } },
      d: { '1.0.0': {}, '3.0.0': {} },
      e: { '1.0.0': {}, '2.0.0': {} },
    }
    const ws = { name: 'w2', version: '2.0.0', devDependencies: { d: '^1.0.0', e: '^1.0.0' } }
    const { versions } = await resolveProject(registry, { name: 'x', workspaces: ['packages/*'], devDependencies: { b: '^1.0.0' } }, {
      workspaces: new Map([['packages/w2', ws]]),
      readFolderManifest: async () => ws,
    })
    expect(versions).toEqual({
      'node_modules/b': '1.0.0',
      'node_modules/b/node_modules/d': '3.0.0',
      'node_modules/d': '1.0.0',
      'node_modules/e': '2.0.0',
      'node_modules/w2': undefined,
      'packages/w2': '2.0.0',
      'packages/w2/node_modules/e': '1.0.0',
    })
  })

  test('bundled dependencies come from the tarball, locked inBundle without resolved or integrity', async () => {
    const registry = { a: { '1.0.0': { dependencies: { b: '^1' }, bundleDependencies: ['b'] } } }
    const { packages } = await resolveProject(registry, project({ a: '^1' }), {
      readTarball: async () => ({ integrity: 'x', manifest: {}, bundled: [{ path: 'node_modules/b', manifest: { name: 'b', version: '1.2.0', license: 'MIT' } }] }),
    })
    expect(packages.get('node_modules/a/node_modules/b')).toEqual({ version: '1.2.0', inBundle: true, license: 'MIT' })
  })

  test('a package shipping npm-shrinkwrap.json gets the tree it locks, with flags from the project', async () => {
    const registry = { s: { '1.0.0': { dependencies: { x: '^1.0.0' }, _hasShrinkwrap: true } }, x: { '1.0.0': {}, '1.1.0': {} } }
    const shrinkwrap = JSON.stringify({
      name: 's',
      lockfileVersion: 3,
      packages: { '': { name: 's', dependencies: { x: '^1.0.0' } }, 'node_modules/x': { version: '1.0.0', resolved: tarballUrl('x', '1.0.0'), integrity: 'sha512-x' } },
    })
    const { packages, versions } = await resolveProject(registry, { name: 'app', dependencies: { x: '^1' }, devDependencies: { s: '^1' } }, {
      readTarball: async () => ({ integrity: 'unused', manifest: {}, bundled: [], shrinkwrap }),
    })
    expect(versions).toEqual({ 'node_modules/s': '1.0.0', 'node_modules/s/node_modules/x': '1.0.0', 'node_modules/x': '1.1.0' })
    expect(packages.get('node_modules/s')).toMatchObject({ hasShrinkwrap: true, dev: true })
    expect(packages.get('node_modules/s/node_modules/x')).toEqual({ version: '1.0.0', resolved: tarballUrl('x', '1.0.0'), integrity: 'sha512-x', dev: true })
  })

  test('an override replaces the version a transitive dependency asks for', async () => {
    const registry = { a: { '1.0.0': { dependencies: { b: '^1' } } }, b: { '1.0.0': {}, '2.0.0': {} } }
    const { versions } = await resolveProject(registry, project({ a: '^1' }, { overrides: { b: '2.0.0' } }))
    expect(versions['node_modules/b']).toBe('2.0.0')
  })

  test('an override that contradicts a direct dependency is EOVERRIDE', async () => {
    const registry = { b: { '1.0.0': {}, '2.0.0': {} } }
    const failure = await errorOf(resolveProject(registry, project({ b: '^1' }, { overrides: { b: '2.0.0' } })))
    expect(failure.code).toBe('EOVERRIDE')
  })
})

describe('lockfile baseline and requests', () => {
  const registry = { a: { '1.0.0': {}, '1.1.0': {} }, b: { '1.0.0': {} } }
  const baselineText = (version: string) =>
    JSON.stringify({
      name: 'app',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'app', dependencies: { a: '^1' } },
        'node_modules/a': { version, resolved: tarballUrl('a', version), integrity: `sha512-a@${version}` },
      },
    })

  test('a locked version that still satisfies package.json is kept', async () => {
    const baseline = parseLockfile(baselineText('1.0.0'), { file: 'package-lock.json', kind: 'package-lock.json' })
    const { versions } = await resolveProject(registry, { name: 'app', dependencies: { a: '^1', b: '^1' } }, { baseline })
    expect(versions).toEqual({ 'node_modules/a': '1.0.0', 'node_modules/b': '1.0.0' })
  })

  test('a lockfileVersion 2 baseline is written again as version 2, with its legacy dependencies', async () => {
    const v2 = JSON.parse(baselineText('1.0.0'))
    const baseline = parseLockfile(JSON.stringify({ ...v2, lockfileVersion: 2, dependencies: { a: { version: '1.0.0' } } }), { file: 'package-lock.json', kind: 'package-lock.json' })
    const { text } = await resolveProject(registry, { name: 'app', dependencies: { a: '^1', b: '^1' } }, { baseline })
    const written = JSON.parse(text)
    expect(written.lockfileVersion).toBe(2)
    expect(Object.keys(written.dependencies)).toEqual(['a', 'b'])
  })

  test('a removed dependency is pruned from the locked tree', async () => {
    const baseline = parseLockfile(baselineText('1.0.0'), { file: 'package-lock.json', kind: 'package-lock.json' })
    const { versions, packages } = await resolveProject(registry, { name: 'app', dependencies: { a: '^1' } }, {
      baseline,
      remove: ['a'],
      savedManifest: { name: 'app' },
    })
    expect(versions).toEqual({})
    expect(packages.get('')).toEqual({ name: 'app' })
  })

  test('an added request is installed at the requested version, as a dev dependency', async () => {
    const { packages, requests } = await resolveProject(registry, { name: 'app' }, { add: [{ spec: parseSpecArg('a@1.0.0'), saveType: 'dev' }] })
    expect(packages.get('node_modules/a')).toMatchObject({ version: '1.0.0', dev: true })
    expect(requests.add).toEqual([{ name: 'a', rawSpec: '1.0.0', saveType: 'dev' }])
  })

  test('updating a name re-resolves it past the locked version', async () => {
    const baseline = parseLockfile(baselineText('1.0.0'), { file: 'package-lock.json', kind: 'package-lock.json' })
    const { versions } = await resolveProject(registry, { name: 'app', dependencies: { a: '^1' } }, { baseline, update: { all: false, names: ['a'] } })
    expect(versions['node_modules/a']).toBe('1.1.0')
  })
})

describe('I/O', () => {
  test('the dependencies of a chosen version are fetched while resolution goes on, several at a time', async () => {
    const registry = memoryRegistry({
      a: { '1.0.0': { dependencies: { c: '^1' } } },
      b: { '1.0.0': { dependencies: { d: '^1' } } },
      c: { '1.0.0': { dependencies: { e: '^1' } } },
      d: { '1.0.0': {} },
      e: { '1.0.0': {} },
    }, 5)
    let inFlight = 0
    let maxInFlight = 0
    const counting = {
      ...registry,
      getPackument: async (...args: Parameters<typeof registry.getPackument>) => {
        inFlight++
        maxInFlight = Math.max(maxInFlight, inFlight)
        try {
          return await registry.getPackument(...args)
        } finally {
          inFlight--
        }
      },
    }
    const resolved: string[] = []
    await resolveProject(counting, project({ a: '^1', b: '^1' }), { onResolved: (node) => resolved.push(`${node.name}@${node.version}`) })
    expect(maxInFlight).toBeGreaterThanOrEqual(2)
    expect(new Set(registry.requested).size).toBe(5)
    // each is told once, when picked for a dependency or when placed
    expect(resolved.sort()).toEqual(['a@1.0.0', 'b@1.0.0', 'c@1.0.0', 'd@1.0.0', 'e@1.0.0'])
  })

  test('the peers of a peer set are asked for at once, though built one by one', async () => {
    // tool's optional peer kit is loaded beside it (as arborist loads it), then kit's own optional
    // peers: peer-a's document is held until peer-b's is asked for, which only a request made
    // before peer-a's answer can do
    const registry = memoryRegistry({
      tool: { '1.0.0': { peerDependencies: { kit: '^1' }, peerDependenciesMeta: { kit: { optional: true } } } },
      kit: { '1.0.0': { peerDependencies: { 'peer-a': '^1', 'peer-b': '^1' }, peerDependenciesMeta: { 'peer-a': { optional: true }, 'peer-b': { optional: true } } } },
      'peer-a': { '1.0.0': {} },
      'peer-b': { '1.0.0': {} },
    })
    let reached = false
    let released = false
    let letGo: () => void = () => {}
    const gate = new Promise<void>((resolve) => (letGo = () => {
      released = true
      resolve()
    }))
    const fallback = setTimeout(() => letGo(), 2_000)
    const gated = {
      ...registry,
      getPackument: async (...args: Parameters<typeof registry.getPackument>) => {
        const [name] = args
        if (name === 'peer-b' && !released) {
          reached = true
          letGo()
        }
        if (name === 'peer-a') await gate
        return registry.getPackument(...args)
      },
    }
    try {
      const { versions } = await resolveProject(gated, project({ tool: '^1' }))
      expect(versions).toEqual({ 'node_modules/tool': '1.0.0' })
    } finally {
      clearTimeout(fallback)
    }
    expect(reached).toBe(true)
    expect(registry.requested.filter((name) => name.startsWith('peer-')).sort()).toEqual(['peer-a', 'peer-b'])
  })

  test('an aborted signal stops the walk with its reason', async () => {
    const controller = new AbortController()
    controller.abort(new Error('stopped by the user'))
    const failure = await errorOf(resolveProject({ a: { '1.0.0': {} } }, project({ a: '^1' }), { signal: controller.signal }))
    expect(failure.message).toContain('stopped by the user')
  })

  test('license comes from the full document, and resolved can be left out of the lockfile', async () => {
    const { packages } = await resolveProject({ a: { '1.0.0': { license: 'ISC' } } }, project({ a: '^1' }), { options: { omitLockfileRegistryResolved: true } })
    expect(packages.get('node_modules/a')).toEqual({ version: '1.0.0', integrity: 'sha512-a@1.0.0', license: 'ISC' })
  })
})
