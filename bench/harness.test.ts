import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { cleanEnv } from './environment.ts'
import { bunLockVersions, compareSets, packageLockVersions, pnpmLockVersions } from './locked-versions.ts'
import { parseClock, parseTimeReport } from './measure.ts'
import { directDependencies } from './outcome.ts'
import { buildCommand, extraProjectFiles, findPhase, PHASES } from './phases.ts'
import { commandArgv, roundOrder } from './session.ts'
import { median, renderTable, summarize, type RunRecord } from './summarize.ts'

const timeReport = `Command exited with non-zero status 3
	Command being timed: "npm ci"
	User time (seconds): 2.51
	System time (seconds): 0.94
	Percent of CPU this job got: 129%
	Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.68
	Maximum resident set size (kbytes): 238112
	Major (requiring I/O) page faults: 1
	Voluntary context switches: 12000
	Involuntary context switches: 900
	Exit status: 3
`

describe('GNU time report', () => {
  test('user, sys, max RSS, exit status and wall clock are read from `time -v` output', () => {
    expect(parseTimeReport(timeReport)).toEqual({
      exitStatus: 3,
      wallS: 62.68,
      userS: 2.51,
      sysS: 0.94,
      maxRssKb: 238112,
      majorFaults: 1,
      voluntarySwitches: 12000,
      involuntarySwitches: 900,
    })
  })

  test('a file without the wall clock line is not a report', () => {
    expect(parseTimeReport('/usr/bin/time: cannot run foo: No such file or directory\n')).toBeUndefined()
  })

  test('clock strings with hours, minutes and seconds become seconds', () => {
    expect(parseClock('0:00.05')).toBeCloseTo(0.05)
    expect(parseClock('1:02:03.50')).toBeCloseTo(3723.5)
  })
})

describe('phases and commands', () => {
  test('every phase is found by its short name and its id', () => {
    for (const phase of PHASES) {
      expect(findPhase(phase.short)).toBe(phase)
      expect(findPhase(phase.id)).toBe(phase)
    }
    expect(findPhase('p2')).toBeUndefined()
  })

  test('a locked install is `ci` for npm and skiff, frozen for bun and pnpm, with scripts off and the cache given', () => {
    const input = { action: 'install-locked' as const, cacheDir: '/c', legacyPeerDeps: true }
    expect(buildCommand({ ...input, tool: 'npm' }).args).toEqual(['ci', '--ignore-scripts', '--cache', '/c', '--no-audit', '--no-fund'])
    expect(buildCommand({ ...input, tool: 'skiff' }).args).toEqual(['ci', '--ignore-scripts', '--cache', '/c'])
    expect(buildCommand({ ...input, tool: 'bun' })).toEqual({
      args: ['install', '--frozen-lockfile', '--ignore-scripts'],
      env: { CI: 'true', BUN_INSTALL_CACHE_DIR: '/c' },
    })
    expect(buildCommand({ ...input, tool: 'pnpm' })).toEqual({
      args: ['install', '--frozen-lockfile', '--ignore-scripts', '--store-dir', '/c/store'],
      env: { CI: 'true', XDG_CACHE_HOME: '/c/xdg-cache' },
    })
    expect(buildCommand({ ...input, tool: 'utoo' }).args).toEqual([
      'install', '--ignore-scripts', '--registry', 'https://registry.npmjs.org/', '--cache-dir', '/c',
    ])
  })

  test('resolving writes only the lockfile, and utoo gets legacy-peer-deps as a flag when the fixture asks for it', () => {
    const input = { action: 'resolve' as const, cacheDir: '/c', legacyPeerDeps: true }
    expect(buildCommand({ ...input, tool: 'npm' }).args.slice(0, 3)).toEqual(['install', '--package-lock-only', '--ignore-scripts'])
    expect(buildCommand({ ...input, tool: 'bun' }).args).toEqual(['install', '--lockfile-only', '--ignore-scripts'])
    expect(buildCommand({ ...input, tool: 'utoo' }).args).toEqual([
      'deps', '--registry', 'https://registry.npmjs.org/', '--cache-dir', '/c', '--legacy-peer-deps',
    ])
  })
})

describe('the stale phase', () => {
  test('adds is-odd@3.0.1 and removes it with each tool\'s own commands, the same cache for both, timed as one shell run', () => {
    const input = { action: 'stale' as const, cacheDir: '/c', legacyPeerDeps: false }
    expect(findPhase('stale')?.id).toBe('p5_stale')
    const skiff = buildCommand({ ...input, tool: 'skiff' })
    expect(skiff.args).toEqual(['install', 'is-odd@3.0.1', '--ignore-scripts', '--cache', '/c'])
    expect(skiff.thenArgs).toEqual(['uninstall', 'is-odd', '--ignore-scripts', '--cache', '/c'])
    expect(buildCommand({ ...input, tool: 'bun' })).toEqual({
      args: ['add', 'is-odd@3.0.1', '--ignore-scripts'],
      thenArgs: ['remove', 'is-odd', '--ignore-scripts'],
      env: { CI: 'true', BUN_INSTALL_CACHE_DIR: '/c' },
    })
    expect(buildCommand({ ...input, tool: 'pnpm' }).thenArgs).toEqual(['remove', 'is-odd', '--ignore-scripts', '--store-dir', '/c/store'])
    expect(buildCommand({ ...input, tool: 'utoo' }).args.slice(0, 2)).toEqual(['install', 'is-odd@3.0.1'])
    expect(commandArgv({ tool: 'skiff', argv: ['/bin/skiff'], version: '0' }, skiff)).toEqual([
      'sh', '-c', '/bin/skiff install is-odd@3.0.1 --ignore-scripts --cache /c && /bin/skiff uninstall is-odd --ignore-scripts --cache /c',
    ])
  })

  test('against a recording proxy every tool names it: a flag, bun an environment variable, utoo instead of its registry flag', () => {
    const input = { action: 'stale' as const, cacheDir: '/c', legacyPeerDeps: false, registry: 'http://127.0.0.1:9/' }
    expect(buildCommand({ ...input, tool: 'npm' }).thenArgs?.slice(-2)).toEqual(['--registry', 'http://127.0.0.1:9/'])
    expect(buildCommand({ ...input, tool: 'bun' }).env.BUN_CONFIG_REGISTRY).toBe('http://127.0.0.1:9/')
    const utoo = buildCommand({ ...input, tool: 'utoo' }).args
    expect(utoo).toContain('http://127.0.0.1:9/')
    expect(utoo).not.toContain('https://registry.npmjs.org/')
  })
})

describe('round order', () => {
  test('the order rotates by one each round and is reversed every other round', () => {
    const tools = ['a', 'b', 'c', 'd']
    expect([1, 2, 3, 4].map((round) => roundOrder(tools, round).join(''))).toEqual(['abcd', 'adcb', 'cdab', 'cbad'])
  })
})

describe('environment', () => {
  test('package-manager settings, cache locations and the home folder of the caller are not passed on', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-home-'))
    const env = { PATH: '/bin', HOME: '/root', npm_config_cache: '/x', PNPM_HOME: '/p', BUN_INSTALL_CACHE_DIR: '/b', CI: 'false', XDG_CACHE_HOME: '/c', XDG_CONFIG_HOME: '/d' }
    expect(cleanEnv(env, home)).toEqual({ PATH: '/bin', HOME: home })
    expect(fs.readdirSync(home)).toEqual([])
    fs.rmSync(home, { recursive: true })
  })
})

describe('locked versions', () => {
  test('package-lock.json pins are read from the packages keys, skipping the root and links', () => {
    const lock = JSON.stringify({
      packages: {
        '': { name: 'app' },
        'node_modules/@s/a': { version: '1.0.0' },
        'node_modules/@s/a/node_modules/b': { version: '2.0.0' },
        'node_modules/w': { resolved: 'packages/w', link: true },
        'node_modules/alias': { name: 'real', version: '3.0.0' },
      },
    })
    expect([...packageLockVersions(lock)].sort()).toEqual(['@s/a@1.0.0', 'b@2.0.0', 'real@3.0.0'])
  })

  test('bun.lock and pnpm-lock.yaml pins are read from their package maps', () => {
    const bunLock = '{\n  "lockfileVersion": 1,\n  "packages": {\n    "@s/a": ["@s/a@1.0.0", "", {}, "sha512-x"],\n    "b": ["b@2.0.0", "", {}, "sha512-y"],\n  }\n}\n'
    expect([...bunLockVersions(bunLock)].sort()).toEqual(['@s/a@1.0.0', 'b@2.0.0'])
    const pnpmLock = "lockfileVersion: '9.0'\n\npackages:\n\n  '@s/a@1.0.0':\n    resolution: {integrity: x}\n\n  b@2.0.0:\n    resolution: {integrity: y}\n\nsnapshots:\n\n  c@9.9.9(b@2.0.0): {}\n"
    expect([...pnpmLockVersions(pnpmLock)].sort()).toEqual(['@s/a@1.0.0', 'b@2.0.0'])
  })

  test('set comparison lists what only one side has', () => {
    expect(compareSets(new Set(['a@1', 'b@1']), new Set(['b@1', 'c@1']))).toEqual({ same: 1, onlyLeft: ['a@1'], onlyRight: ['c@1'] })
  })
})

describe('summary', () => {
  const run = (tool: RunRecord['tool'], wallS: number, ok = true): RunRecord => ({
    fixture: 'f', phase: 'p3_cold_install', tool, round: 1, slot: 0, ok, exitCode: ok ? 0 : 1,
    wallS, timeWallS: wallS, userS: 1, sysS: 0.5, maxRssKb: 102400, majorFaults: 0, voluntarySwitches: 0, involuntarySwitches: 0, stderrTail: ok ? '' : 'boom', stdoutTail: '', startedAt: '',
    ...(ok ? {} : { failure: 'exit 1' }),
  })

  test('the median of an even count is the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([5, 1, 3])).toBe(3)
  })

  test('rows hold medians of successful runs, count failures and give the ratio to skiff', () => {
    const rows = summarize([run('skiff', 1), run('skiff', 3), run('bun', 1), run('bun', 9, false)], ['skiff', 'bun', 'npm'])
    expect(rows.map((row) => [row.tool, row.runs, row.failed, row.wall?.median, row.ratioToSkiff])).toEqual([
      ['skiff', 2, 0, 2, 1],
      ['bun', 2, 1, 1, 0.5],
      ['npm', 0, 0, undefined, undefined],
    ])
  })

  test('a failed run is listed under the table with its stderr', () => {
    const failed = run('bun', 9, false)
    const table = renderTable('f p3', summarize([failed], ['bun']), [failed])
    expect(table).toContain('| bun | 0 ok, 1 failed | – |')
    expect(table).toContain('FAILED bun round 1: exit 1')
    expect(table).toContain('  boom')
  })
})

describe('outcome', () => {
  test('direct dependencies are the dependencies and devDependencies', () => {
    expect(directDependencies('{"dependencies":{"a":"1"},"devDependencies":{"b":"2"},"optionalDependencies":{"c":"3"}}')).toEqual(['a', 'b'])
  })
})

describe('project files', () => {
  test('pnpm keeps to the lockfile and leaves peers out where npm is told to', () => {
    expect(extraProjectFiles('pnpm', false)).toEqual({ 'pnpm-workspace.yaml': 'minimumReleaseAge: 0\n' })
    expect(extraProjectFiles('pnpm', true)).toEqual({ 'pnpm-workspace.yaml': 'minimumReleaseAge: 0\nautoInstallPeers: false\n' })
    expect(extraProjectFiles('bun', true)).toEqual({})
  })
})
