import { describe, expect, test } from 'bun:test'
import { createExplainer, createPaint, findNodes, renderExplanation, type ActualTree } from '../../src/query/index.ts'
import { overrideProject, problemProject, treeOf, workspaceProject } from './tree-literal.ts'

// expected texts are what npm 11.19's `npm explain` printed for the same node_modules at /p

function explainText(tree: ActualTree, arg: string, color = false): string {
  const explainer = createExplainer(tree)
  return findNodes(tree, arg, { cwd: '/p' }).map((node) => renderExplanation(explainer.explain(node), createPaint(color))).join('\n\n')
}

describe('why as text', () => {
  test('every path up to the root, with the spec at each step and the dependency type when not prod', () => {
    expect(explainText(treeOf(problemProject), 'shared')).toBe(`shared@1.0.0
node_modules/shared
  shared@"^1.0.0" from a@1.0.0
  node_modules/a
    a@"^1.0.0" from the root project
    peer a@"^1.0.0" from f@1.0.0
    node_modules/f
      dev f@"^1.0.0" from the root project
  shared@"^1.0.0" from b@1.0.0
  node_modules/b
    b@"^1.0.0" from the root project`)
  })

  test('through workspaces: a folder is explained by its link, the link by the workspace edge', () => {
    expect(explainText(treeOf(workspaceProject), 'shared')).toBe(`shared@1.0.0
node_modules/shared
  shared@"^1.0.0" from devthing@1.0.0
  node_modules/devthing
    dev devthing@"^1.0.0" from ws-a@1.0.0
    packages/ws-a
      ws-a@1.0.0
      node_modules/ws-a
        ws-a@"^1.0.0" from ws-b@2.0.0
        packages/ws-b
          ws-b@2.0.0
          node_modules/ws-b
            workspace packages/ws-b from the root project
        workspace packages/ws-a from the root project
  shared@"^1.0.0" from ws-a@1.0.0
  packages/ws-a
    ws-a@1.0.0
    node_modules/ws-a
      ws-a@"^1.0.0" from ws-b@2.0.0
      packages/ws-b
        ws-b@2.0.0
        node_modules/ws-b
          workspace packages/ws-b from the root project
      workspace packages/ws-a from the root project
  peer shared@"^1.0.0" from ws-b@2.0.0
  packages/ws-b
    ws-b@2.0.0
    node_modules/ws-b
      workspace packages/ws-b from the root project`)
  })

  test('a workspace name finds its link and its folder, the link first when node_modules was walked', () => {
    expect(explainText(treeOf(workspaceProject), 'ws-a')).toBe(`ws-a@1.0.0
node_modules/ws-a
  ws-a@"^1.0.0" from ws-b@2.0.0
  packages/ws-b
    ws-b@2.0.0
    node_modules/ws-b
      workspace packages/ws-b from the root project
  workspace packages/ws-a from the root project

ws-a@1.0.0
packages/ws-a
  ws-a@1.0.0
  node_modules/ws-a
    ws-a@"^1.0.0" from ws-b@2.0.0
    packages/ws-b
      ws-b@2.0.0
      node_modules/ws-b
        workspace packages/ws-b from the root project
    workspace packages/ws-a from the root project`)
    const fromLockfile = treeOf({ ...workspaceProject, source: 'hidden lockfile' })
    expect(findNodes(fromLockfile, 'ws-a', { cwd: '/p' }).map((node) => node.location)).toEqual(['packages/ws-a', 'node_modules/ws-a'])
  })

  test('an overridden edge shows the spec it was written with', () => {
    expect(explainText(treeOf(overrideProject), 'c')).toBe(`c@2.0.0 overridden
node_modules/c
  overridden c@"2.0.0" (was "^1.0.0") from a@1.0.0
  node_modules/a
    a@"^1.0.0" from the root project
  overridden c@"2.0.0" (was "^1.0.0") from b@1.0.0
  node_modules/b
    b@"^1.0.0" from the root project`)
  })

  test('an extraneous package has no dependents', () => {
    expect(explainText(treeOf(problemProject), 'g')).toBe('g@1.0.0 extraneous\nnode_modules/g')
  })

  test('colors on a terminal, as npm prints them', () => {
    expect(explainText(treeOf(workspaceProject), 'bun', true)).toBe([
      'bun@1.0.0 \u001b[4m\u001b[36mbundled\u001b[39m\u001b[24m\u001b[2m\u001b[22m',
      '\u001b[2mnode_modules/@s/x/node_modules/bun\u001b[22m',
      '  \u001b[4m\u001b[36mbundled\u001b[39m\u001b[24m bun@"^1.0.0" from @s/x@1.0.0\u001b[2m\u001b[22m',
      '  \u001b[2mnode_modules/@s/x\u001b[22m',
      '    @s/x@"^1.0.0" from the root project',
    ].join('\n'))
    expect(explainText(treeOf(workspaceProject), 'devthing', true).split('\n').slice(0, 3)).toEqual([
      'devthing@1.0.0 \u001b[34mdev\u001b[39m\u001b[2m\u001b[22m',
      '\u001b[2mnode_modules/devthing\u001b[22m',
      '  \u001b[34mdev\u001b[39m devthing@"^1.0.0" from \u001b[94mws-a@1.0.0\u001b[39m\u001b[2m\u001b[22m',
    ])
  })
})

describe('why --json', () => {
  test("npm's explanation objects: bundled edges, the root as its folder, the node's flags last", () => {
    const tree = treeOf(workspaceProject)
    const [bun] = findNodes(tree, 'bun', { cwd: '/p' })
    expect(JSON.parse(JSON.stringify(createExplainer(tree).explain(bun as never)))).toEqual({
      name: 'bun',
      version: '1.0.0',
      location: 'node_modules/@s/x/node_modules/bun',
      isWorkspace: false,
      dependents: [
        {
          type: 'prod',
          name: 'bun',
          spec: '^1.0.0',
          bundled: true,
          from: {
            name: '@s/x',
            version: '1.0.0',
            location: 'node_modules/@s/x',
            isWorkspace: false,
            dependents: [{ type: 'prod', name: '@s/x', spec: '^1.0.0', from: { location: '/p' } }],
          },
        },
      ],
      dev: false,
      optional: false,
      devOptional: false,
      peer: false,
      bundled: true,
      overridden: false,
    })
  })

  test('an invalid edge from the root is kept, with its error', () => {
    const tree = treeOf(problemProject)
    const [d] = findNodes(tree, 'd', { cwd: '/p' })
    const explanation = createExplainer(tree).explain(d as never)
    expect(explanation.dependents).toEqual([{ type: 'prod', name: 'd', spec: '^1.0.0', error: 'INVALID', from: { location: '/p' } }])
  })
})

describe('which packages why explains', () => {
  const cases: Array<[string, string, string[]]> = [
    ['a package name, aliases by their real name', 'real', ['node_modules/al']],
    ['an alias name, which is not a package name', 'al', []],
    ['a location', 'node_modules/shared', ['node_modules/shared']],
    ['a location with a trailing slash', 'node_modules/shared/', ['node_modules/shared']],
    ['a folder path from the current folder', './packages/ws-b', ['packages/ws-b']],
    ['a range', 'shared@^1', ['node_modules/shared']],
    ['a range nothing satisfies', 'shared@2', []],
  ]
  test.each(cases)('%s', (_name, arg, locations) => {
    expect(findNodes(treeOf(workspaceProject), arg, { cwd: '/p' }).map((node) => node.location)).toEqual(locations)
  })
})
