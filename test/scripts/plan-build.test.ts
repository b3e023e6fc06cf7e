import { describe, expect, test } from 'bun:test'
import { installScriptsOf, planBuild, type BuildNode, type InstallScripts } from '../../src/scripts/plan-build.ts'

const projectDir = '/p'

function node(location: string, scripts: InstallScripts, extra: Partial<BuildNode> = {}): BuildNode {
  const name = location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length)
  return {
    location,
    dir: `${projectDir}/${location}`,
    depth: location.split('/').filter((segment) => segment === 'node_modules').length,
    pkg: `${name}@1.0.0`,
    manifest: { name, version: '1.0.0' },
    scripts,
    isLink: false,
    own: false,
    optional: false,
    built: true,
    policy: { name, version: '1.0.0', resolved: `https://r.example/${name}/-/${name.replace(/^@[^/]+\//, '')}-1.0.0.tgz` },
    env: {},
    ...extra,
  }
}

const locations = (nodes: readonly BuildNode[]) => nodes.map((item) => item.location)
const rules = { policy: null, ignoreScripts: false, dangerouslyAllowAllScripts: true, projectDir }

describe('planBuild', () => {
  test('orders packages by depth, then by path with the en collation', () => {
    const plan = planBuild(
      [
        node('node_modules/b/node_modules/a', { install: 'x' }),
        node('node_modules/b', { install: 'x' }),
        node('node_modules/@s/z', { install: 'x' }),
        node('node_modules/A-upper', { install: 'x' }),
        node('node_modules/a', { install: 'x' }),
      ],
      rules,
    )
    expect(locations(plan.deps.install)).toEqual(['node_modules/@s/z', 'node_modules/a', 'node_modules/A-upper', 'node_modules/b', 'node_modules/b/node_modules/a'])
  })

  test('puts each script in its phase; prepare runs only for linked folders', () => {
    const plan = planBuild(
      [
        node('node_modules/dep', { preinstall: 'p', postinstall: 'q', prepare: 'never' }),
        node('node_modules/ws', { prepare: 'tsc', install: 'i' }, { isLink: true, own: true, dir: '/p/packages/ws' }),
      ],
      rules,
    )
    expect(locations(plan.deps.preinstall)).toEqual(['node_modules/dep'])
    expect(locations(plan.deps.postinstall)).toEqual(['node_modules/dep'])
    expect(plan.deps.prepare).toEqual([])
    expect(locations(plan.links.prepare)).toEqual(['node_modules/ws'])
    expect(locations(plan.links.install)).toEqual(['node_modules/ws'])
  })

  test('runs what the policy allows, holds back and lists what it does not mention, skips what it denies silently', () => {
    const plan = planBuild(
      [node('node_modules/allowed', { install: 'x' }), node('node_modules/denied', { install: 'x' }), node('node_modules/unlisted', { install: 'x' })],
      { ...rules, dangerouslyAllowAllScripts: false, policy: { allowed: true, denied: false } },
    )
    expect(locations(plan.deps.install)).toEqual(['node_modules/allowed'])
    expect(locations(plan.unreviewed)).toEqual(['node_modules/unlisted'])
  })

  test('linked folders always run; bundled packages never run and are not listed', () => {
    const plan = planBuild(
      [
        node('node_modules/ws', { install: 'x' }, { isLink: true, own: true }),
        node('node_modules/a/node_modules/bundled', { install: 'x' }, { policy: { name: 'bundled', inBundle: true } }),
      ],
      { ...rules, dangerouslyAllowAllScripts: false },
    )
    expect(locations(plan.links.install)).toEqual(['node_modules/ws'])
    expect(plan.deps.install).toEqual([])
    expect(plan.unreviewed).toEqual([])
  })

  test('a package this install did not make runs nothing but is still listed when unreviewed', () => {
    const plan = planBuild([node('node_modules/old', { install: 'x' }, { built: false })], { ...rules, dangerouslyAllowAllScripts: false })
    expect(plan.deps.install).toEqual([])
    expect(locations(plan.unreviewed)).toEqual(['node_modules/old'])
  })

  test('--ignore-scripts runs and lists nothing', () => {
    const plan = planBuild([node('node_modules/a', { install: 'x' }), node('node_modules/ws', { install: 'x' }, { isLink: true })], { ...rules, ignoreScripts: true })
    expect([...plan.deps.install, ...plan.links.install, ...plan.unreviewed]).toEqual([])
  })
})

describe('installScriptsOf', () => {
  test('a binding.gyp with no install or preinstall script is `node-gyp rebuild`', () => {
    expect(installScriptsOf({ scripts: { postinstall: 'p' } }, { hasBindingGyp: true, isLink: false })).toEqual({ install: 'node-gyp rebuild', postinstall: 'p' })
    expect(installScriptsOf({ scripts: { preinstall: 'p' } }, { hasBindingGyp: true, isLink: false })).toEqual({ preinstall: 'p' })
    expect(installScriptsOf({ gypfile: false }, { hasBindingGyp: true, isLink: false })).toEqual({})
  })

  test('prepare counts for linked folders only', () => {
    expect(installScriptsOf({ scripts: { prepare: 'tsc' } }, { hasBindingGyp: false, isLink: false })).toEqual({})
    expect(installScriptsOf({ scripts: { prepare: 'tsc' } }, { hasBindingGyp: false, isLink: true })).toEqual({ prepare: 'tsc' })
  })
})
