import { describe, expect, test } from 'bun:test'
import { createPaint, listTree, renderListJson, renderListParseable, renderListText, type ListOptions } from '../../src/query/index.ts'
import { overrideProject, problemProject, treeOf, workspaceProject, type TreeLiteral } from './tree-literal.ts'

// expected texts are what npm 11.19 printed for the same node_modules, in a project at /p

const defaults: ListOptions = { all: false, depth: undefined, omit: new Set(), linksOnly: false, filters: [] }

function text(literal: TreeLiteral, options: Partial<ListOptions> = {}, display: { unicode?: boolean; long?: boolean } = {}): string {
  const tree = treeOf(literal)
  const merged = { ...defaults, ...options }
  const result = listTree(tree, merged)
  return renderListText(result, tree, { unicode: display.unicode ?? true, long: display.long ?? false, paint: createPaint(false), filtered: merged.filters.length > 0 })
}

function json(literal: TreeLiteral, options: Partial<ListOptions> = {}): unknown {
  return renderListJson(listTree(treeOf(literal), { ...defaults, ...options }), { long: false })
}

describe('ls as text', () => {
  test('the top level by default: unmet, optional unmet, invalid and extraneous marks', () => {
    expect(text(problemProject)).toBe(`app@1.0.0 /p
├── a@1.0.0
├── b@1.0.0
├── UNMET DEPENDENCY c@^2.0.0
├── d@2.0.0 invalid: "^1.0.0" from the root project
├── UNMET OPTIONAL DEPENDENCY e@^1.0.0
├── f@1.0.0
└── g@1.0.0 extraneous
`)
  })

  test('--all with ascii lines: a package met again is deduped and shows no children', () => {
    expect(text(problemProject, { all: true }, { unicode: false })).toBe(`app@1.0.0 /p
+-- a@1.0.0
| \`-- shared@1.0.0
+-- b@1.0.0
| +-- nested@1.0.0
| \`-- shared@1.0.0 deduped
+-- UNMET DEPENDENCY c@^2.0.0
+-- d@2.0.0 invalid: "^1.0.0" from the root project
+-- UNMET OPTIONAL DEPENDENCY e@^1.0.0
+-- f@1.0.0
| \`-- a@1.0.0 deduped
\`-- g@1.0.0 extraneous
  \`-- UNMET DEPENDENCY h@^1.0.0
`)
  })

  test('--depth 1 --omit dev leaves out the root dev dependencies only', () => {
    expect(text(problemProject, { depth: 1, omit: new Set(['dev']) })).toBe(`app@1.0.0 /p
├─┬ a@1.0.0
│ └── shared@1.0.0
├─┬ b@1.0.0
│ ├── nested@1.0.0
│ └── shared@1.0.0 deduped
├── UNMET DEPENDENCY c@^2.0.0
├── d@2.0.0 invalid: "^1.0.0" from the root project
├── UNMET OPTIONAL DEPENDENCY e@^1.0.0
└─┬ g@1.0.0 extraneous
  └── UNMET DEPENDENCY h@^1.0.0
`)
  })

  test('workspaces count as the top level: their dependencies show at depth 0, links point at their folders', () => {
    expect(text(workspaceProject)).toBe(`root@0.1.0 /p
├── @s/x@1.0.0
├── al@npm:real@1.2.0
├─┬ ws-a@1.0.0 -> ./packages/ws-a
│ ├── devthing@1.0.0
│ └── shared@1.0.0
└─┬ ws-b@2.0.0 -> ./packages/ws-b
  ├── shared@1.0.0 deduped
  └── ws-a@1.0.0 deduped -> ./packages/ws-a
`)
  })

  test('--long puts the path and each description on lines of their own', () => {
    expect(text(workspaceProject, {}, { long: true })).toBe(`root@0.1.0
│ /p
│ 
├── @s/x@1.0.0
│   
├── al@npm:real@1.2.0
│   
├─┬ ws-a@1.0.0 -> ./packages/ws-a
│ │ 
│ ├── devthing@1.0.0
│ │   
│ └── shared@1.0.0
│     
└─┬ ws-b@2.0.0 -> ./packages/ws-b
  │ 
  ├── shared@1.0.0 deduped
  │   
  └── ws-a@1.0.0 deduped -> ./packages/ws-a
      
`)
  })

  test('a filter keeps the matching packages and every path to them, at any depth', () => {
    expect(text(workspaceProject, { filters: ['shared'] })).toBe(`root@0.1.0 /p
├─┬ ws-a@1.0.0 -> ./packages/ws-a
│ ├─┬ devthing@1.0.0
│ │ └── shared@1.0.0 deduped
│ └── shared@1.0.0
└─┬ ws-b@2.0.0 -> ./packages/ws-b
  └── shared@1.0.0 deduped
`)
    expect(text(workspaceProject, { all: true, filters: ['ws-a'] })).toBe(`root@0.1.0 /p
├── ws-a@1.0.0 -> ./packages/ws-a
└─┬ ws-b@2.0.0 -> ./packages/ws-b
  └── ws-a@1.0.0 deduped -> ./packages/ws-a
`)
  })

  test('packages an override set to its exact version are marked overridden', () => {
    expect(text(overrideProject, { all: true })).toBe(`ov@1.0.0 /p
├─┬ a@1.0.0
│ ├── c@2.0.0 overridden
│ └── d@1.5.0 overridden
├─┬ b@1.0.0
│ ├── c@2.0.0 deduped
│ └── d@2.1.0
└── e@1.2.0
`)
    const document = json(overrideProject, { all: true }) as { dependencies: Record<string, { dependencies: Record<string, unknown> }> }
    expect(document.dependencies.a?.dependencies).toEqual({ c: { version: '2.0.0', overridden: true }, d: { version: '1.5.0', overridden: true } })
  })

  test('a filter nothing matches leaves an empty root', () => {
    const tree = treeOf(workspaceProject)
    const result = listTree(tree, { ...defaults, filters: ['nothing'] })
    expect(result.root.included).toBe(false)
    expect(renderListText(result, tree, { unicode: true, long: false, paint: createPaint(false), filtered: true })).toBe('root@0.1.0 /p\n└── (empty)\n')
  })

  test('a folder without package.json is named by its path', () => {
    expect(text({ root: {} })).toBe('/p\n└── (empty)\n')
  })

  test('colors on a terminal, as npm prints them: each line inside a reset, red problems, yellow optional, dim deduped', () => {
    const tree = treeOf(problemProject)
    const out = renderListText(listTree(tree, { ...defaults, all: true }), tree, { unicode: true, long: false, paint: createPaint(true), filtered: false })
    expect(out.split('\n')).toEqual([
      '\u001b[0mapp@1.0.0 /p\u001b[0m',
      '\u001b[0m├─┬ a@1.0.0\u001b[0m',
      '\u001b[0m│ └── shared@1.0.0\u001b[0m',
      '\u001b[0m├─┬ b@1.0.0\u001b[0m',
      '\u001b[0m│ ├── nested@1.0.0\u001b[0m',
      '\u001b[0m│ └── shared@1.0.0 \u001b[2mdeduped\u001b[22m\u001b[0m',
      '\u001b[0m├── \u001b[31mUNMET DEPENDENCY\u001b[39m c@^2.0.0\u001b[0m',
      '\u001b[0m├── d@2.0.0 \u001b[31minvalid: "^1.0.0" from the root project\u001b[39m\u001b[0m',
      '\u001b[0m├── \u001b[33mUNMET OPTIONAL DEPENDENCY\u001b[39m e@^1.0.0\u001b[0m',
      '\u001b[0m├─┬ f@1.0.0\u001b[0m',
      '\u001b[0m│ └── a@1.0.0 \u001b[2mdeduped\u001b[22m\u001b[0m',
      '\u001b[0m└─┬ g@1.0.0 \u001b[31mextraneous\u001b[39m\u001b[0m',
      '\u001b[0m  └── \u001b[31mUNMET DEPENDENCY\u001b[39m h@^1.0.0\u001b[0m',
      '\u001b[0m\u001b[0m',
    ])
  })
})

describe('ls problems', () => {
  test('problems are those of the entries shown: deeper ones only with --all', () => {
    expect(listTree(treeOf(problemProject), defaults).problems).toEqual([
      'missing: c@^2.0.0, required by app@1.0.0',
      'invalid: d@2.0.0 /p/node_modules/d',
      'extraneous: g@1.0.0 /p/node_modules/g',
    ])
    expect(listTree(treeOf(problemProject), { ...defaults, all: true }).problems).toEqual([
      'missing: c@^2.0.0, required by app@1.0.0',
      'invalid: d@2.0.0 /p/node_modules/d',
      'extraneous: g@1.0.0 /p/node_modules/g',
      'missing: h@^1.0.0, required by g@1.0.0',
    ])
  })
})

describe('ls --json', () => {
  test("npm's document: problems, then nested dependencies; copies and later missing entries carry less", () => {
    expect(json(problemProject, { all: true })).toEqual({
      version: '1.0.0',
      name: 'app',
      problems: [
        'missing: c@^2.0.0, required by app@1.0.0',
        'invalid: d@2.0.0 /p/node_modules/d',
        'extraneous: g@1.0.0 /p/node_modules/g',
        'missing: h@^1.0.0, required by g@1.0.0',
      ],
      dependencies: {
        a: { version: '1.0.0', overridden: false, dependencies: { shared: { version: '1.0.0', overridden: false } } },
        b: { version: '1.0.0', overridden: false, dependencies: { nested: { version: '1.0.0', overridden: false }, shared: { version: '1.0.0' } } },
        c: { required: '^2.0.0', missing: true, problems: ['missing: c@^2.0.0, required by app@1.0.0'] },
        d: { version: '2.0.0', overridden: false, invalid: '"^1.0.0" from the root project', problems: ['invalid: d@2.0.0 /p/node_modules/d'] },
        e: {},
        f: { version: '1.0.0', overridden: false, dependencies: { a: { version: '1.0.0' } } },
        g: {
          version: '1.0.0',
          overridden: false,
          extraneous: true,
          problems: ['extraneous: g@1.0.0 /p/node_modules/g'],
          dependencies: { h: { missing: true, problems: ['missing: h@^1.0.0, required by g@1.0.0'] } },
        },
      },
    })
  })

  test('keys come in npm order', () => {
    const document = json(problemProject) as Record<string, unknown>
    expect(Object.keys(document)).toEqual(['version', 'name', 'problems', 'dependencies'])
    expect(Object.keys((document.dependencies as Record<string, Record<string, unknown>>).d as object)).toEqual(['version', 'overridden', 'invalid', 'problems'])
  })

  test('links show where they resolve to', () => {
    expect(json(workspaceProject)).toEqual({
      version: '0.1.0',
      name: 'root',
      dependencies: {
        '@s/x': { version: '1.0.0', overridden: false },
        al: { version: '1.2.0', overridden: false },
        'ws-a': {
          version: '1.0.0',
          resolved: 'file:../packages/ws-a',
          overridden: false,
          dependencies: { devthing: { version: '1.0.0', overridden: false }, shared: { version: '1.0.0', overridden: false } },
        },
        'ws-b': { version: '2.0.0', resolved: 'file:../packages/ws-b', overridden: false, dependencies: { shared: { version: '1.0.0' }, 'ws-a': { version: '1.0.0' } } },
      },
    })
  })

  test('an empty folder is an empty document', () => {
    expect(json({ root: {} })).toEqual({})
  })
})

describe('ls --parseable', () => {
  test('every folder reached, breadth first, the root first', () => {
    expect(renderListParseable(listTree(treeOf(problemProject), { ...defaults, all: true }), { long: false })).toBe(`/p
/p/node_modules/a
/p/node_modules/b
/p/node_modules/d
/p/node_modules/f
/p/node_modules/g
/p/node_modules/shared
/p/node_modules/b/node_modules/nested`)
  })

  test('--long adds name@version, the real folder of links, and EXTRANEOUS / INVALID', () => {
    expect(renderListParseable(listTree(treeOf(workspaceProject), { ...defaults, all: true }), { long: true })).toBe(`/p:root@0.1.0
/p/node_modules/@s/x:@s/x@1.0.0
/p/node_modules/al:al@npm:real@1.2.0
/p/node_modules/ws-a:ws-a@1.0.0:/p/packages/ws-a
/p/node_modules/ws-b:ws-b@2.0.0:/p/packages/ws-b
/p/node_modules/@s/x/node_modules/bun:bun@1.0.0
/p/node_modules/devthing:devthing@1.0.0
/p/node_modules/shared:shared@1.0.0`)
    expect(renderListParseable(listTree(treeOf(problemProject), defaults), { long: true })).toBe(`/p:app@1.0.0
/p/node_modules/a:a@1.0.0
/p/node_modules/b:b@1.0.0
/p/node_modules/d:d@2.0.0:INVALID
/p/node_modules/f:f@1.0.0
/p/node_modules/g:g@1.0.0:EXTRANEOUS`)
  })
})
