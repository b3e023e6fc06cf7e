import { expect, test } from 'bun:test'
import { calcDepFlags } from '../../src/resolve/calc-dep-flags.ts'
import type { Node } from '../../src/resolve/node.ts'
import { at, buildTree } from './tree-literal.ts'

const flags = (node: Node) => ({ dev: node.dev, optional: node.optional, devOptional: node.devOptional, peer: node.peer, extraneous: node.extraneous })

test('flags say which kinds of paths reach each package, and what nothing reaches is extraneous', () => {
  const root = buildTree({
    dependencies: { prod: '1' },
    devDependencies: { tool: '1' },
    optionalDependencies: { opt: '1' },
    children: {
      prod: { version: '1.0.0', peerDependencies: { host: '1' } },
      tool: { version: '1.0.0', dependencies: { shared: '1', both: '1' } },
      opt: { version: '1.0.0', dependencies: { both: '1' } },
      shared: { version: '1.0.0' },
      both: { version: '1.0.0' },
      host: { version: '1.0.0' },
      stray: { version: '1.0.0' },
    },
  })
  calcDepFlags(root)
  const none = { dev: false, optional: false, devOptional: false, peer: false, extraneous: false }
  expect(flags(root)).toEqual(none)
  expect(flags(at(root, 'node_modules/prod'))).toEqual(none)
  expect(flags(at(root, 'node_modules/tool'))).toEqual({ ...none, dev: true })
  expect(flags(at(root, 'node_modules/shared'))).toEqual({ ...none, dev: true })
  expect(flags(at(root, 'node_modules/opt'))).toEqual({ ...none, optional: true })
  expect(flags(at(root, 'node_modules/both'))).toEqual({ ...none, devOptional: true })
  expect(flags(at(root, 'node_modules/host'))).toEqual({ ...none, peer: true })
  expect(flags(at(root, 'node_modules/stray')).extraneous).toBe(true)
})

test('a package reached by a prod path as well as a dev path is neither dev nor devOptional', () => {
  const root = buildTree({
    dependencies: { a: '1' },
    devDependencies: { b: '1' },
    children: { a: { version: '1.0.0', dependencies: { c: '1' } }, b: { version: '1.0.0', dependencies: { c: '1' } }, c: { version: '1.0.0' } },
  })
  calcDepFlags(root)
  expect(flags(at(root, 'node_modules/c'))).toEqual({ dev: false, optional: false, devOptional: false, peer: false, extraneous: false })
})
