import { describe, expect, test } from 'bun:test'
import path from 'node:path'
import {
  checkLockInSync,
  createLockSyncError,
  lockSyncReport,
  readLockfile,
  readPackageJson,
  type LockEntry,
  type Lockfile,
  type LockSyncOptions,
} from '../../src/lockfile/index.ts'
import { PROJECT_FIXTURES } from './helpers.ts'

// Cases come from real npm 11.19 runs: `npm install --package-lock-only`, then package.json
// (or the lockfile) edited, then `npm ci`. Where npm prints the version it would fetch from
// the registry, skiff prints the wanted spec; lines npm adds for the dependencies of packages
// it would fetch are noted, since they need the registry.

type Packages = Record<string, LockEntry>

const lockOf = (packages: Packages): Lockfile => ({
  file: '/project/package-lock.json',
  kind: 'package-lock.json',
  lockfileVersion: 3,
  packages: new Map(Object.entries(packages)),
})

const BASE_JSON = {
  name: 'base',
  version: '1.0.0',
  dependencies: { 'is-number': '^7.0.0', react: '^18.0.0' },
  devDependencies: { lodash: '^4.17.0' },
}

const BASE: Packages = {
  '': { name: 'base', version: '1.0.0', dependencies: { 'is-number': '^7.0.0', react: '^18.0.0' }, devDependencies: { lodash: '^4.17.0' } },
  'node_modules/is-number': { version: '7.0.0', license: 'MIT' },
  'node_modules/js-tokens': { version: '4.0.0', license: 'MIT' },
  'node_modules/lodash': { version: '4.18.1', dev: true, license: 'MIT' },
  'node_modules/loose-envify': { version: '1.4.0', dependencies: { 'js-tokens': '^3.0.0 || ^4.0.0' }, bin: { 'loose-envify': 'cli.js' } },
  'node_modules/react': { version: '18.3.1', dependencies: { 'loose-envify': '^1.1.0' } },
}

const withJson = (edit: (json: Record<string, unknown> & typeof BASE_JSON) => void) => {
  const json = structuredClone(BASE_JSON) as Record<string, unknown> & typeof BASE_JSON
  edit(json)
  return json
}
const withLock = (edit: (packages: Packages) => void) => {
  const packages = structuredClone(BASE)
  edit(packages)
  return packages
}

interface Case {
  spec: string
  json: Record<string, unknown>
  packages: Packages
  options?: LockSyncOptions
  lines: string[]
}

const cases: Case[] = [
  { spec: 'an untouched project is in sync', json: BASE_JSON, packages: BASE, lines: [] },
  {
    // npm: "Missing: is-odd@3.0.1", "Missing: lodash2@4.18.1", plus is-odd's own is-number@6.0.0
    spec: 'a dependency added to package.json is missing from the lock file',
    json: withJson((json) => Object.assign(json.dependencies, { 'is-odd': '^3.0.0', lodash2: 'npm:lodash@^4' })),
    packages: BASE,
    lines: ['Missing: is-odd@^3.0.0 from lock file', 'Missing: lodash2@npm:lodash@^4 from lock file'],
  },
  {
    spec: 'a range the locked version no longer satisfies is invalid',
    json: withJson((json) => (json.dependencies['is-number'] = '^6.0.0')),
    packages: BASE,
    lines: ["Invalid: lock file's is-number@7.0.0 does not satisfy is-number@^6.0.0"],
  },
  { spec: 'a dependency removed from package.json leaves the lock in sync (npm skips extraneous entries)', json: withJson((json) => delete (json.dependencies as Record<string, string>).react), packages: BASE, lines: [] },
  {
    spec: 'moving a dependency to devDependencies leaves the lock in sync',
    json: withJson((json) => {
      delete (json.dependencies as Record<string, string>)['is-number']
      json.devDependencies['is-number' as 'lodash'] = '^7.0.0'
    }),
    packages: BASE,
    lines: [],
  },
  { spec: 'a range written differently but still satisfied is in sync', json: withJson((json) => (json.dependencies['is-number'] = '^7')), packages: BASE, lines: [] },
  { spec: 'a tag is satisfied by any locked registry version', json: withJson((json) => (json.dependencies['is-number'] = 'latest')), packages: BASE, lines: [] },
  { spec: 'an empty spec means any version', json: withJson((json) => (json.dependencies['is-number'] = '')), packages: BASE, lines: [] },
  {
    spec: 'a new optional dependency is missing too',
    json: withJson((json) => (json.optionalDependencies = { 'is-odd': '^3.0.0' })),
    packages: BASE,
    lines: ['Missing: is-odd@^3.0.0 from lock file'],
  },
  {
    spec: "a package's optional dependency that the lockfile lacks is tolerated (npm install left it out as unfetchable)",
    json: BASE_JSON,
    packages: {
      ...BASE,
      'node_modules/is-number': { version: '7.0.0', optionalDependencies: { 'is-number-linux-x64': '7.0.0', 'is-number-darwin-arm64': '7.0.0' } },
      'node_modules/is-number-linux-x64': { version: '7.0.0', optional: true, os: ['linux'], cpu: ['x64'] },
    },
    lines: [],
  },
  {
    spec: 'a devDependency replaces a dependency of the same name',
    json: withJson((json) => (json.devDependencies['is-number' as 'lodash'] = '^6.0.0')),
    packages: BASE,
    lines: ["Invalid: lock file's is-number@7.0.0 does not satisfy is-number@^6.0.0"],
  },
  {
    spec: 'a new peer dependency of the root is missing',
    json: withJson((json) => (json.peerDependencies = { 'is-odd': '^3.0.0' })),
    packages: BASE,
    lines: ['Missing: is-odd@^3.0.0 from lock file'],
  },
  {
    spec: 'peer dependencies are not checked with legacyPeerDeps',
    json: withJson((json) => (json.peerDependencies = { 'is-odd': '^3.0.0' })),
    packages: BASE,
    options: { legacyPeerDeps: true },
    lines: [],
  },
  {
    spec: 'a missing optional peer dependency is fine',
    json: withJson((json) => {
      json.peerDependencies = { 'is-odd': '^3.0.0' }
      json.peerDependenciesMeta = { 'is-odd': { optional: true } }
    }),
    packages: BASE,
    lines: [],
  },
  {
    spec: 'a dependency of the same name wins over a peer dependency',
    json: withJson((json) => (json.peerDependencies = { react: '^17.0.0' })),
    packages: BASE,
    lines: [],
  },
  {
    // npm nests js-tokens@3.0.2 under loose-envify: 4.0.0 cannot be replaced by an older version
    spec: 'an override a transitive entry does not satisfy puts a new copy beside its dependent',
    json: withJson((json) => (json.overrides = { 'js-tokens': '3.0.2' })),
    packages: BASE,
    lines: ['Missing: js-tokens@3.0.2 from lock file'],
  },
  { spec: 'an override the locked version satisfies is in sync', json: withJson((json) => (json.overrides = { 'js-tokens': '^4.0.0' })), packages: BASE, lines: [] },
  {
    // npm: "Missing: loose-envify@1.3.1" and, for that version, "Missing: js-tokens@3.0.2"
    spec: 'a nested override applies below the package it names',
    json: withJson((json) => (json.overrides = { react: { 'loose-envify': '1.3.1' } })),
    packages: BASE,
    lines: ['Missing: loose-envify@1.3.1 from lock file'],
  },
  {
    // npm fails in loadVirtual with EOVERRIDE and reports that the lock file cannot be read
    spec: 'an override that changes a direct dependency conflicts with it',
    json: withJson((json) => (json.overrides = { 'is-number': '7.0.0' })),
    packages: BASE,
    lines: ['Override for is-number@^7.0.0 conflicts with direct dependency'],
  },
  { spec: 'an override equal to the direct dependency is allowed', json: withJson((json) => (json.overrides = { 'is-number': '^7.0.0' })), packages: BASE, lines: [] },
  { spec: 'an override referring to the direct dependency with $name is allowed', json: withJson((json) => (json.overrides = { 'is-number': '$is-number' })), packages: BASE, lines: [] },
  {
    spec: 'a transitive entry that no longer satisfies its dependent is invalid',
    json: BASE_JSON,
    packages: withLock((packages) => (packages['node_modules/js-tokens'] = { version: '2.0.0' })),
    lines: ["Invalid: lock file's js-tokens@2.0.0 does not satisfy js-tokens@^3.0.0 || ^4.0.0"],
  },
  {
    spec: 'a transitive entry that is gone is missing',
    json: BASE_JSON,
    packages: withLock((packages) => delete packages['node_modules/js-tokens']),
    lines: ['Missing: js-tokens@^3.0.0 || ^4.0.0 from lock file'],
  },
  {
    spec: 'an invalid nested copy is fine when a satisfying copy sits higher up (npm keeps that one)',
    json: BASE_JSON,
    packages: withLock((packages) => (packages['node_modules/react/node_modules/loose-envify'] = { version: '0.5.0' })),
    lines: [],
  },
  {
    spec: 'a broken dependency of an extraneous entry does not count',
    json: BASE_JSON,
    packages: withLock((packages) => (packages['node_modules/stray'] = { version: '1.0.0', dependencies: { nothere: '^1' } })),
    lines: [],
  },
  {
    spec: 'an alias whose range changed is invalid',
    json: withJson((json) => Object.assign(json.dependencies, { lodash2: 'npm:lodash@^3' })),
    packages: withLock((packages) => (packages['node_modules/lodash2'] = { name: 'lodash', version: '4.18.1' })),
    lines: ["Invalid: lock file's lodash2@4.18.1 does not satisfy lodash2@npm:lodash@^3"],
  },
  {
    // npm 11.19 accepts this and installs lodash; skiff refuses to install the wrong package
    spec: 'an alias that now names another package is invalid',
    json: withJson((json) => Object.assign(json.dependencies, { lodash2: 'npm:underscore@^4' })),
    packages: withLock((packages) => (packages['node_modules/lodash2'] = { name: 'lodash', version: '4.18.1' })),
    lines: ["Invalid: lock file's lodash2@4.18.1 does not satisfy lodash2@npm:underscore@^4"],
  },
  {
    spec: 'missing dependencies of a bundled package are not checked',
    json: withJson((json) => Object.assign(json.dependencies, { b: '^1.0.0' })),
    packages: withLock((packages) => {
      packages['node_modules/b'] = { version: '1.0.0', dependencies: { inner: '^1.0.0' }, bundleDependencies: ['inner'] }
    }),
    lines: [],
  },
  {
    spec: 'a dependency inside a shrinkwrapped package is not checked',
    json: withJson((json) => Object.assign(json.dependencies, { s: '^1.0.0' })),
    packages: withLock((packages) => {
      packages['node_modules/s'] = { version: '1.0.0', hasShrinkwrap: true, dependencies: { inner: '^2.0.0' } }
      packages['node_modules/s/node_modules/inner'] = { version: '1.0.0' }
    }),
    lines: [],
  },
  {
    spec: 'acceptDependencies widens what satisfies a dependency',
    json: withJson((json) => Object.assign(json.dependencies, { a: '^1.0.0' })),
    packages: withLock((packages) => {
      packages['node_modules/a'] = { version: '1.0.0', dependencies: { b: '^2.0.0' }, acceptDependencies: { b: '^1.0.0' } }
      packages['node_modules/b'] = { version: '1.5.0' }
    }),
    lines: [],
  },
  {
    spec: 'a peer dependency installed inside its dependent is invalid there (PEER LOCAL)',
    json: withJson((json) => Object.assign(json.dependencies, { plugin: '^1.0.0' })),
    packages: withLock((packages) => {
      packages['node_modules/plugin'] = { version: '1.0.0', peerDependencies: { host: '^1.0.0' } }
      packages['node_modules/plugin/node_modules/host'] = { version: '1.0.0' }
    }),
    lines: ['Missing: host@^1.0.0 from lock file'],
  },
]

describe('checkLockInSync', () => {
  for (const { spec, json, packages, options, lines } of cases) {
    test(spec, () => expect(checkLockInSync(json, lockOf(packages), options)).toEqual(lines))
  }
})

const WORKSPACE_JSON = { name: 'ws-root', version: '1.0.0', workspaces: ['packages/*'], dependencies: { 'is-number': '^7.0.0' } }
const WORKSPACE_LOCK: Packages = {
  '': { name: 'ws-root', version: '1.0.0', workspaces: ['packages/*'], dependencies: { 'is-number': '^7.0.0' } },
  'node_modules/is-number': { version: '7.0.0' },
  'node_modules/is-odd': { version: '3.0.1', dev: true, dependencies: { 'is-number': '^6.0.0' } },
  'node_modules/is-odd/node_modules/is-number': { version: '6.0.0', dev: true },
  'node_modules/ws-a': { resolved: 'packages/a', link: true },
  'node_modules/ws-b': { resolved: 'packages/b', link: true },
  'packages/a': { name: 'ws-a', version: '1.0.0', dependencies: { 'is-number': '^6.0.0', 'ws-b': '^2.0.0' }, devDependencies: { 'is-odd': '^3.0.0' } },
  'packages/a/node_modules/is-number': { version: '6.0.0' },
  'packages/b': { name: 'ws-b', version: '2.0.0' },
}
const WS_A = { name: 'ws-a', version: '1.0.0', dependencies: { 'is-number': '^6.0.0', 'ws-b': '^2.0.0' }, devDependencies: { 'is-odd': '^3.0.0' } }
const WS_B = { name: 'ws-b', version: '2.0.0' }

const workspaceCases: [string, Record<string, Record<string, unknown>>, string[]][] = [
  ['workspaces as locked are in sync', { 'packages/a': WS_A, 'packages/b': WS_B }, []],
  [
    'a dependency added to a workspace is missing',
    { 'packages/a': { ...WS_A, dependencies: { ...WS_A.dependencies, lodash: '^4' } }, 'packages/b': WS_B },
    ['Missing: lodash@^4 from lock file'],
  ],
  [
    'a workspace range the root copy satisfies is in sync (npm keeps the root copy)',
    { 'packages/a': { ...WS_A, dependencies: { ...WS_A.dependencies, 'is-number': '^7.0.0' } }, 'packages/b': WS_B },
    [],
  ],
  [
    // npm adds "Missing: is-number@4.0.0" for is-odd@2's own dependency
    'a workspace devDependency no hoisted copy satisfies is missing beside the workspace',
    { 'packages/a': { ...WS_A, devDependencies: { 'is-odd': '^2.0.0' } }, 'packages/b': WS_B },
    ['Missing: is-odd@^2.0.0 from lock file'],
  ],
  [
    'a new workspace is missing as a link and as a folder',
    { 'packages/a': WS_A, 'packages/b': WS_B, 'packages/c': { name: 'ws-c', version: '1.0.0' } },
    ['Missing: ws-c@1.0.0 from lock file', 'Missing: ws-c@1.0.0 from lock file'],
  ],
  ['a renamed workspace is missing its link', { 'packages/a': WS_A, 'packages/b': { ...WS_B, name: 'ws-bb' } }, ['Missing: ws-bb@2.0.0 from lock file']],
  ['a deleted workspace another one depends on falls back to the lock entry', { 'packages/a': WS_A }, []],
]

describe('checkLockInSync with workspaces', () => {
  for (const [spec, manifests, lines] of workspaceCases) {
    test(spec, () => {
      const localManifests = new Map(Object.entries(manifests))
      expect(checkLockInSync(WORKSPACE_JSON, lockOf(WORKSPACE_LOCK), { localManifests, legacyPeerDeps: true })).toEqual(lines)
    })
  }

  test("what only a workspace reaches is not checked past the workspace's own dependencies, as npm queues no more of it (a package of its lacking a dependency is accepted)", () => {
    // npm 11.19 on lerna's lockfile: @docsearch/react (only the website workspace needs it) has a
    // package whose required peer is not locked; npm ci accepts the lockfile and installs it as is
    const localManifests = new Map(Object.entries({ 'packages/a': WS_A, 'packages/b': WS_B }))
    const lacking = (location: string) => {
      const packages = structuredClone(WORKSPACE_LOCK)
      packages[location] = { ...packages[location], peerDependencies: { 'not-locked': '^1.0.0' } }
      return lockOf(packages)
    }
    expect(checkLockInSync(WORKSPACE_JSON, lacking('node_modules/is-odd'), { localManifests })).toEqual([])
    expect(checkLockInSync(WORKSPACE_JSON, lacking('packages/a/node_modules/is-number'), { localManifests })).toEqual([])
    // the root's own dependency is checked all the way
    expect(checkLockInSync(WORKSPACE_JSON, lacking('node_modules/is-number'), { localManifests })).toEqual(['Missing: not-locked@^1.0.0 from lock file'])
  })

  test('without manifests from disk the lock entries of the workspaces are used', () => {
    expect(checkLockInSync(WORKSPACE_JSON, lockOf(WORKSPACE_LOCK), { legacyPeerDeps: true })).toEqual([])
  })
})

describe('checkLockInSync with local specs', () => {
  const json = { name: 'app', dependencies: { lib: 'file:lib', pkg: 'file:vendor/pkg-1.0.0.tgz', remote: 'https://example.com/r-1.0.0.tgz', gh: 'github:user/repo#v1' } }
  const packages: Packages = {
    '': { name: 'app', dependencies: json.dependencies },
    'node_modules/lib': { resolved: 'lib', link: true },
    lib: { name: 'lib', version: '0.1.0' },
    'node_modules/pkg': { version: '1.0.0', resolved: 'file:vendor/pkg-1.0.0.tgz', integrity: 'sha512-x' },
    'node_modules/remote': { version: '1.0.0', resolved: 'https://example.com/r-1.0.0.tgz', integrity: 'sha512-y' },
    'node_modules/gh': { version: '1.0.0', resolved: 'git+ssh://git@github.com/user/repo.git#0123456789abcdef0123456789abcdef01234567' },
  }
  const localCases: [string, Record<string, string>, string[]][] = [
    ['folders, tarballs, URLs and git repositories as locked are in sync', {}, []],
    [
      'a folder dependency pointing elsewhere is invalid, and its new folder missing',
      { lib: 'file:other' },
      ["Invalid: lock file's lib@0.1.0 does not satisfy lib@file:other", 'Missing: lib@file:other from lock file'],
    ],
    // npm re-reads the tarball and passes when it holds the same version; its resolved file differs all the same
    ['a different tarball file is invalid', { pkg: 'file:vendor/pkg-2.0.0.tgz' }, ["Invalid: lock file's pkg@1.0.0 does not satisfy pkg@file:vendor/pkg-2.0.0.tgz"]],
    ['a different URL is invalid', { remote: 'https://example.com/r-2.0.0.tgz' }, ["Invalid: lock file's remote@1.0.0 does not satisfy remote@https://example.com/r-2.0.0.tgz"]],
    ['the same git repository in another notation is in sync', { gh: 'git+https://github.com/user/repo.git#v1' }, []],
    ['a git ref other than the locked one is invalid', { gh: 'github:user/repo#v2' }, ["Invalid: lock file's gh@1.0.0 does not satisfy gh@github:user/repo#v2"]],
    ['another git repository is invalid', { gh: 'github:other/repo#v1' }, ["Invalid: lock file's gh@1.0.0 does not satisfy gh@github:other/repo#v1"]],
  ]
  for (const [spec, changes, lines] of localCases) {
    test(spec, () => {
      const changed = { ...json, dependencies: { ...json.dependencies, ...changes } }
      expect(checkLockInSync(changed, lockOf(packages))).toEqual(lines)
    })
  }
})

test('a folder dependency is named by the version of its package.json on disk, as npm does', () => {
  const json = { name: 'app', dependencies: { lib: 'file:other' } }
  const packages: Packages = {
    '': { name: 'app', dependencies: { lib: 'file:lib' } },
    'node_modules/lib': { resolved: 'lib', link: true },
    lib: { version: '0.1.0' },
  }
  const localManifests = new Map([['lib', { name: 'lib', version: '0.1.0' }], ['other', { name: 'lib', version: '0.2.0' }]])
  expect(checkLockInSync(json, lockOf(packages), { localManifests })).toEqual([
    "Invalid: lock file's lib@0.1.0 does not satisfy lib@0.2.0",
    'Missing: lib@0.2.0 from lock file',
  ])
})

describe('createLockSyncError', () => {
  test('is ELOCKSYNC with npm message, the lockfile and every mismatch line', () => {
    const lines = ['Missing: a@^1 from lock file', "Invalid: lock file's b@1.0.0 does not satisfy b@^2"]
    const error = createLockSyncError(lockOf(BASE), lines)
    expect(error.code).toBe('ELOCKSYNC')
    expect(error.message).toBe(
      '`skiff ci` can only install packages when your package.json and package-lock.json or npm-shrinkwrap.json are in sync. '
        + 'Please update your lock file with `skiff install` before continuing.',
    )
    expect(error.details.lines).toEqual(lines)
    expect(error.details.file).toBe('/project/package-lock.json')
    expect(error.hint).toContain('skiff install')
  })
})

describe('checkLockInSync on real projects', () => {
  const read = async (fixture: string) => {
    const dir = path.join(PROJECT_FIXTURES, fixture)
    const lock = await readLockfile(dir)
    if (lock === undefined) throw new Error(`no lockfile in ${dir}`)
    return { lock, json: (await readPackageJson(dir)).data }
  }

  test('the medium project npm wrote is in sync', async () => {
    const { lock, json } = await read('medium')
    expect(checkLockInSync(json, lock)).toEqual([])
  })

  test('the antd lock is in sync: the platform packages a nested @utoo/pack lacks are tolerated optional dependencies', async () => {
    // npm 11.19 stops here with five "Missing: @utoo/pack-<platform>@ from lock file" lines: the
    // registry has no 1.5.22 of those packages, so the npm install that wrote the lock left them out
    const { lock, json } = await read('antd')
    const nested = 'node_modules/@umijs/bundler-utoopack/node_modules'
    expect(lock.packages.has(`${nested}/@utoo/pack`)).toBe(true)
    expect(lock.packages.has(`${nested}/@utoo/pack-darwin-arm64`)).toBe(false)
    expect(checkLockInSync(json, lock, { legacyPeerDeps: true })).toEqual([])
  })
})

describe('lockSyncReport: entries nothing reaches', () => {
  test('a lockfile npm wrote has none, links and workspace folders included', () => {
    const localManifests = new Map(Object.entries({ 'packages/a': WS_A, 'packages/b': WS_B }))
    expect(lockSyncReport(BASE_JSON, lockOf(BASE))).toMatchObject({ problems: [], unreached: [], wrongFlags: new Map() })
    expect(lockSyncReport(WORKSPACE_JSON, lockOf(WORKSPACE_LOCK), { localManifests, legacyPeerDeps: true })).toMatchObject({ problems: [], unreached: [], wrongFlags: new Map() })
  })

  test('a dependency taken out of package.json leaves its package and what only it needed unreached, with no problem', () => {
    const { react: _removed, ...dependencies } = BASE_JSON.dependencies
    const json = { ...BASE_JSON, dependencies }
    expect(lockSyncReport(json, lockOf(BASE))).toMatchObject({
      problems: [],
      unreached: ['node_modules/js-tokens', 'node_modules/loose-envify', 'node_modules/react'],
      wrongFlags: new Map(),
    })
  })

  test('a package only an optional peer dependency reaches is pruned, whatever its flags say, as arborist finds it extraneous', () => {
    // npm 11.19: ws with utf-8-validate (an optional peer of ws) and its dependency locked; npm ci installs ws alone
    const json = { name: 'app', version: '1.0.0', dependencies: { ws: '8.18.0' } }
    const packages: Packages = {
      '': { name: 'app', version: '1.0.0', dependencies: { ws: '8.18.0' } },
      'node_modules/node-gyp-build': { version: '4.8.4' },
      'node_modules/utf-8-validate': { version: '6.0.4', dependencies: { 'node-gyp-build': '^4.3.0' } },
      'node_modules/ws': { version: '8.18.0', peerDependencies: { 'utf-8-validate': '>=5.0.2' }, peerDependenciesMeta: { 'utf-8-validate': { optional: true } } },
    }
    expect(lockSyncReport(json, lockOf(packages))).toMatchObject({ problems: [], unreached: ['node_modules/node-gyp-build', 'node_modules/utf-8-validate'], wrongFlags: new Map() })
  })

  test('flags the lockfile records wrongly are reported with the ones npm computes from the edges', () => {
    const packages = withLock((edit) => {
      edit['node_modules/is-number'] = { ...edit['node_modules/is-number'], dev: true }
      edit['node_modules/lodash'] = { version: '4.18.1', license: 'MIT' }
      edit['node_modules/react'] = { ...edit['node_modules/react'], optional: true, devOptional: true }
    })
    const none = { dev: false, optional: false, devOptional: false, peer: false, extraneous: false }
    expect(lockSyncReport(BASE_JSON, lockOf(packages)).wrongFlags).toEqual(new Map([
      ['node_modules/is-number', none],
      ['node_modules/lodash', { ...none, dev: true }],
      ['node_modules/react', none],
    ]))
  })

  test('registry dependencies are the packages every dependent asks the registry for (a range, tag, version or alias)', () => {
    const json = { name: 'app', version: '1.0.0', dependencies: { 'is-number': '^7.0.0', react: 'https://example.com/react-18.3.1.tgz', lodash: 'npm:lodash@^4' } }
    const packages = withLock((edit) => {
      edit[''] = { name: 'app', version: '1.0.0', dependencies: json.dependencies }
      edit['node_modules/lodash'] = { version: '4.18.1', license: 'MIT' }
      edit['node_modules/react'] = { ...edit['node_modules/react'], resolved: 'https://example.com/react-18.3.1.tgz' }
    })
    expect([...lockSyncReport(json, lockOf(packages)).registryDependencies()].sort()).toEqual([
      'node_modules/is-number',
      'node_modules/js-tokens',
      'node_modules/lodash',
      'node_modules/loose-envify',
    ])
  })

  test("a reached package's bundled dependencies count as reached", () => {
    const packages = withLock((edit) => {
      edit['node_modules/react'] = { ...edit['node_modules/react'], bundleDependencies: ['inside'] }
      edit['node_modules/react/node_modules/inside'] = { version: '1.0.0', inBundle: true }
    })
    expect(lockSyncReport(BASE_JSON, lockOf(packages)).unreached).toEqual([])
  })
})

describe('a file: folder outside the project', () => {
  // npm 11.19: `npm install` puts ../lib's dependencies in the project's node_modules, `npm ls`
  // calls them UNMET (../lib cannot see them), and `npm ci` accepts the lockfile but installs
  // only the link
  const json = { name: 'app', version: '1.0.0', dependencies: { lib: 'file:../lib' } }
  const packages: Packages = {
    '': { name: 'app', version: '1.0.0', dependencies: { lib: 'file:../lib' } },
    '../lib': { version: '0.3.0', dependencies: { 'is-number': '^7.0.0' } },
    'node_modules/is-number': { version: '7.0.0' },
    'node_modules/lib': { resolved: '../lib', link: true },
  }

  test('has no problem for its unmet dependencies, and the copies npm put beside the project are unreached', () => {
    const localManifests = new Map([['../lib', { name: 'lib', version: '0.3.0', dependencies: { 'is-number': '^7.0.0' } }]])
    expect(lockSyncReport(json, lockOf(packages), { localManifests })).toMatchObject({ problems: [], unreached: ['node_modules/is-number'], wrongFlags: new Map() })
  })
})
