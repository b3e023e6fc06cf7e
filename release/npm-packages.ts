/**
 * The npm packages, as esbuild and biome ship theirs: `skiff`, whose bin is a small Node
 * launcher (npm-launcher.cjs), with one optional dependency per target, `@skiff/<target>`,
 * each declaring its os / cpu / libc so npm installs only the one for the machine, and holding
 * that target's executable. Written under dist/npm/<package name>/, ready for `npm pack`.
 */
import fs from 'node:fs'
import path from 'node:path'
import packageJson from '../package.json' with { type: 'json' }
import type { Target } from './targets.ts'

const repoRoot = path.resolve(import.meta.dir, '..')
const SCOPE = '@skiff'

export function npmPackageName(target: Target): string {
  return `${SCOPE}/${target.name}`
}

const shared = {
  version: packageJson.version,
  license: packageJson.license,
  repository: packageJson.repository,
  homepage: packageJson.homepage,
}

/** Writes the platform package of a target built at `executable`; resolves to its folder. */
export function writePlatformPackage(target: Target, executable: string, npmDir: string): string {
  const dir = path.join(npmDir, npmPackageName(target))
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true })
  fs.copyFileSync(executable, path.join(dir, 'bin', target.exe))
  fs.chmodSync(path.join(dir, 'bin', target.exe), 0o755)
  fs.copyFileSync(path.join(repoRoot, 'LICENSE'), path.join(dir, 'LICENSE'))
  const platform = `${target.os} ${target.cpu}${target.libc ? ` (${target.libc})` : ''}`
  writeJson(path.join(dir, 'package.json'), {
    name: npmPackageName(target),
    ...shared,
    description: `The skiff executable for ${platform}; installed by the skiff package`,
    os: [target.os],
    cpu: [target.cpu],
    ...(target.libc ? { libc: [target.libc] } : {}),
    files: ['bin'],
    preferUnplugged: true,
  })
  fs.writeFileSync(path.join(dir, 'README.md'), `# ${npmPackageName(target)}\n\nThe skiff executable for ${platform}. Install \`skiff\`, not this package: it picks the one for the machine.\n`)
  return dir
}

/** Writes `skiff`, depending on the platform packages of `targets`; resolves to its folder. */
export function writeMainPackage(targets: readonly Target[], npmDir: string): string {
  const dir = path.join(npmDir, 'skiff')
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true })
  fs.copyFileSync(path.join(import.meta.dir, 'npm-launcher.cjs'), path.join(dir, 'bin', 'skiff'))
  fs.chmodSync(path.join(dir, 'bin', 'skiff'), 0o755)
  for (const doc of ['LICENSE', 'README.md']) fs.copyFileSync(path.join(repoRoot, doc), path.join(dir, doc))
  writeJson(path.join(dir, 'package.json'), {
    name: 'skiff',
    ...shared,
    description: packageJson.description,
    bin: { skiff: 'bin/skiff' },
    files: ['bin'],
    optionalDependencies: Object.fromEntries(targets.map((target) => [npmPackageName(target), packageJson.version])),
  })
  return dir
}

function writeJson(file: string, value: unknown): void {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`)
}
