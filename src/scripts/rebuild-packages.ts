/**
 * `skiff rebuild [names]`: runs the install scripts and bin links of installed packages again,
 * as `npm rebuild` does — every package, the root project's own preinstall / install /
 * postinstall included, or the packages named (`name`, `name@range`, a folder path). The
 * allowScripts policy applies as in an install; a failing optional package fails the rebuild.
 */
import { stat } from 'node:fs/promises'
import path from 'node:path'
import semver from 'semver'
import { SkiffError } from '../error/index.ts'
import { nameFromLocation, readPackageJson, type LockEntry } from '../lockfile/index.ts'
import { parseSpecArg } from '../spec/index.ts'
import { collectBuildNodes } from './collect-build-nodes.ts'
import type { InstallLifecycleOptions } from './install-lifecycle.ts'
import { installScriptsOf, planBuild, type BuildNode } from './plan-build.ts'
import { runBuild } from './run-build.ts'
import { unreviewedOf, type UnreviewedScripts } from './unreviewed-scripts.ts'

export interface RebuildRequest {
  names: readonly string[]
  /** folder paths among the names are relative to it */
  cwd: string
  installed: ReadonlyMap<string, LockEntry>
  linkBins: () => Promise<void>
}

export interface RebuildResult {
  ran: number
  /** packages whose scripts the policy does not cover (not run) */
  unreviewed: UnreviewedScripts[]
}

export async function rebuildPackages(request: RebuildRequest, options: InstallLifecycleOptions): Promise<RebuildResult> {
  const { projectDir } = options
  const selected = selectLocations(request, projectDir)
  const nodes = await collectBuildNodes(projectDir, request.installed, selected)
  if (request.names.length === 0) {
    const root = await rootNode(projectDir)
    if (root !== undefined) nodes.push(root)
  }
  const plan = planBuild(nodes.filter((node) => node.built), {
    policy: options.policy,
    ignoreScripts: options.ignoreScripts,
    dangerouslyAllowAllScripts: options.dangerouslyAllowAllScripts,
    projectDir,
  })
  const result = await runBuild({
    ...options,
    plan,
    linkBins: request.linkBins,
  })
  return { ran: result.ran, unreviewed: plan.unreviewed.map(unreviewedOf) }
}

function selectLocations(request: RebuildRequest, projectDir: string): Set<string> {
  const all = [...request.installed].filter(([, entry]) => !entry.inBundle)
  if (request.names.length === 0) return new Set(all.map(([location]) => location))
  const specs = request.names.map((name): { name?: string; range?: string; dir?: string } => {
    const spec = parseSpecArg(name, request.cwd)
    if (spec.type === 'directory') return { dir: spec.path }
    if (spec.type === 'range' || spec.type === 'version') return { name: spec.name, range: spec.fetchSpec }
    throw new SkiffError('EUSAGE', `\`skiff rebuild\` only supports SemVer version/range specifiers, not "${name}"`)
  })
  const selected = new Set<string>()
  for (const [location, entry] of all) {
    const dir = path.join(projectDir, location)
    const name = nameFromLocation(location)
    const matches = specs.some((spec) => {
      if (spec.dir !== undefined) return spec.dir === dir
      if (spec.name !== name) return false
      if (spec.range === '*') return true
      return entry.version !== undefined && semver.satisfies(entry.version, spec.range ?? '*')
    })
    if (matches) selected.add(location)
  }
  return selected
}

async function rootNode(projectDir: string): Promise<BuildNode | undefined> {
  const manifest = await readPackageJson(projectDir).then((file) => file.data, () => undefined)
  if (manifest === undefined) return undefined
  const hasBindingGyp = await stat(path.join(projectDir, 'binding.gyp')).then((found) => found.isFile(), () => false)
  const name = typeof manifest.name === 'string' ? manifest.name : path.basename(projectDir)
  return {
    location: '',
    dir: projectDir,
    depth: 0,
    pkg: `${name}@${typeof manifest.version === 'string' ? manifest.version : ''}`,
    manifest,
    scripts: installScriptsOf(manifest, { hasBindingGyp, isLink: false }),
    isLink: false,
    own: true,
    optional: false,
    built: true,
    policy: { name },
    env: {},
  }
}
