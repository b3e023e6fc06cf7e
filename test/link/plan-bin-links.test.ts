import { describe, expect, test } from 'bun:test'
import { planBinLinks, type BinNode } from '../../src/link/index.ts'

// The tree below was installed with npm 11.19 (file: tarballs and one workspace) and its
// node_modules/.bin read back: tool -> ../foo_bar/b.js, tool2 -> ../@zz/top/x.js,
// tool3 -> ../abc/b.js, one -> ../dup/b.js, ok -> ../dup/c.js, wstool -> ../aaa-ws/w.js.
const NPM_TREE: BinNode[] = [
  { location: '' },
  { location: 'packages/aaa-ws', bin: { tool: 'w.js', wstool: 'w.js' } },
  { location: 'node_modules/aaa-ws', bin: { tool: 'w.js', wstool: 'w.js' }, isLink: true },
  { location: 'node_modules/foo-bar', bin: { tool: 'a.js' } },
  { location: 'node_modules/foo.bar', bin: { tool: 'c.js' } },
  { location: 'node_modules/foo_bar', bin: { tool: 'b.js' } },
  { location: 'node_modules/Zed', bin: { tool3: 'a.js' } },
  { location: 'node_modules/abc', bin: { tool3: 'b.js' } },
  { location: 'node_modules/aa', bin: { tool2: 'y.js' } },
  { location: 'node_modules/@zz/top', bin: { '@zz/tool2': 'x.js' } },
  { location: 'node_modules/dup', bin: { one: 'a.js', '@x/one': 'b.js', '..': 'c.js', ok: '../../../c.js' } },
]

function asDir(links: ReturnType<typeof planBinLinks>): Record<string, string> {
  return Object.fromEntries(links.map((link) => [`${link.binDir}/${link.name}`, link.target]))
}

describe('planBinLinks', () => {
  test("gives the same node_modules/.bin as npm on a tree with conflicts", () => {
    expect(asDir(planBinLinks(NPM_TREE))).toEqual({
      'node_modules/.bin/tool': '../foo_bar/b.js',
      'node_modules/.bin/tool2': '../@zz/top/x.js',
      'node_modules/.bin/tool3': '../abc/b.js',
      'node_modules/.bin/one': '../dup/b.js',
      'node_modules/.bin/ok': '../dup/c.js',
      'node_modules/.bin/wstool': '../aaa-ws/w.js',
    })
  })

  test('orders paths with the en collator: "_" before "-" before ".", lowercase before a later uppercase letter', () => {
    const winner = (locations: string[]) =>
      planBinLinks(locations.map((location) => ({ location, bin: { x: 'x.js' } })))[0]?.location
    expect(winner(['node_modules/a-b', 'node_modules/a_b'])).toBe('node_modules/a_b')
    expect(winner(['node_modules/a.b', 'node_modules/a-b'])).toBe('node_modules/a-b')
    expect(winner(['node_modules/Zed', 'node_modules/abc'])).toBe('node_modules/abc')
    expect(winner(['node_modules/b', 'node_modules/@a/z'])).toBe('node_modules/@a/z')
  })

  test('the input order does not change the outcome', () => {
    const reversed = [...NPM_TREE].reverse()
    expect(asDir(planBinLinks(reversed))).toEqual(asDir(planBinLinks(NPM_TREE)))
  })

  test('a nested package links into the .bin of the node_modules that holds it', () => {
    const links = planBinLinks([
      { location: 'node_modules/a', bin: { tool: 'cli.js' } },
      { location: 'node_modules/a/node_modules/@s/b', bin: { tool: 'bin/b.js' } },
      { location: 'packages/w/node_modules/c', bin: { tool: 'c.js' } },
    ])
    expect(links).toEqual([
      { location: 'node_modules/a', binDir: 'node_modules/.bin', name: 'tool', target: '../a/cli.js', file: 'cli.js' },
      { location: 'packages/w/node_modules/c', binDir: 'packages/w/node_modules/.bin', name: 'tool', target: '../c/c.js', file: 'c.js' },
      {
        location: 'node_modules/a/node_modules/@s/b',
        binDir: 'node_modules/a/node_modules/.bin',
        name: 'tool',
        target: '../@s/b/bin/b.js',
        file: 'bin/b.js',
      },
    ])
  })

  test('top nodes (the root and workspace folders) get no bin links', () => {
    expect(planBinLinks([{ location: '', bin: { a: 'a.js' } }, { location: 'packages/w', bin: { b: 'b.js' } }])).toEqual([])
  })

  test('bin names that sanitise to nothing are dropped and targets cannot leave the package', () => {
    const links = planBinLinks([{ location: 'node_modules/p', bin: { '..': 'x.js', '.': 'x.js', 'a/..': 'x.js', 'c:d': 'x.js', e: '/../../etc/passwd' } }])
    expect(links.map((link) => [link.name, link.target, link.file])).toEqual([
      ['d', '../p/x.js', 'x.js'],
      ['e', '../p/etc/passwd', 'etc/passwd'],
    ])
  })
})
