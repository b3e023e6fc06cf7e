import { expect, test } from 'bun:test'
import { parseLockfile, readLocalManifests } from '../../src/lockfile/index.ts'
import { createProject } from './helpers.ts'

test('reads package.json of matched workspaces, of folders the lock lists and of file: folder dependencies', async () => {
  using project = createProject({
    'packages/a/package.json': '{"name": "ws-a", "version": "1.0.0"}',
    'packages/new/package.json': '{"name": "ws-new", "version": "0.1.0"}',
    'packages/no-manifest/readme.md': '',
    'packages/a/node_modules/x/package.json': '{"name": "x"}',
    'tools/lib/package.json': '{"name": "lib", "version": "2.0.0"}',
    'linked/package.json': '{"name": "linked", "version": "3.0.0"}',
  })
  const packageJson = { workspaces: ['./packages/*'], dependencies: { linked: 'file:./linked' } }
  const lock = parseLockfile(
    JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': {},
        'node_modules/lib': { resolved: 'tools/lib', link: true },
        'tools/lib': { version: '2.0.0' },
        'packages/gone': { version: '1.0.0' },
        'node_modules/x': { version: '1.0.0' },
      },
    }),
    { file: `${project.dir}/package-lock.json`, kind: 'package-lock.json' },
  )
  const manifests = await readLocalManifests(project.dir, packageJson, lock)
  expect([...manifests.keys()].sort()).toEqual(['linked', 'packages/a', 'packages/new', 'tools/lib'])
  expect(manifests.get('packages/new')).toEqual({ name: 'ws-new', version: '0.1.0' })
})
