/**
 * `install -g`, `update -g` and `uninstall -g` (install/global.ts does the work): what the
 * command line asks, turned into a global install, the summary npm prints for it, and the
 * `node` shim beside the global bins while no node is on PATH (said once, when it is made).
 */
import { SkiffError } from '../error/index.ts'
import path from 'node:path'
import { globalLayout, globalPackageNames, installGlobal, uninstallGlobal, type GlobalChanges, type GlobalLayout } from '../install/global.ts'
import { nameFromLocation } from '../lockfile/index.ts'
import { realNodeOnPath, syncGlobalNodeShim } from '../scripts/index.ts'
import { parseSpec, parseSpecArg } from '../spec/index.ts'
import { readUmask } from '../tarball/index.ts'
import { emptySummary, type PackageChange, type Reporter, type Summary } from '../ui/reporter.ts'
import { deprecationsOf } from './command-context.ts'
import type { InstallContext } from './install-context.ts'
import { resolveOptionsFor, resolveServicesFor } from './resolve-context.ts'

export type GlobalRequest = { add: string[] } | { update: string[] } | { remove: string[] }

export async function runGlobalJob(command: string, request: GlobalRequest, context: InstallContext, reporter: Reporter): Promise<Summary> {
  const { config } = context
  const layout = globalLayout(config.globalPrefix)
  const summary = emptySummary(command)
  if ('remove' in request) {
    if (request.remove.length === 0) throw new SkiffError('EUSAGE', `skiff ${command} -g needs the names of the global packages to remove`)
    Object.assign(summary, changesSummary(layout, { added: [], changed: [], removed: await uninstallGlobal(layout, request.remove) }))
  } else {
    const specs = 'add' in request
      // `npm i -g` alone installs the package in the current folder
      ? (request.add.length > 0 ? request.add : ['.']).map((arg) => parseSpecArg(arg, process.cwd(), process.env.HOME))
      : (request.update.length > 0 ? request.update : await globalPackageNames(layout)).map((name) => parseSpec(name, '*'))
    if (specs.length === 0) return summary
    const { result, changes } = await installGlobal(
      { layout, add: specs, force: config.force, umask: readUmask(), resolve: resolveOptionsFor(context, false), plan: context.planOptions },
      resolveServicesFor(context, reporter),
    )
    const outcome = result.reified?.outcome
    if (outcome && !outcome.ok) throw outcome.failures[0]?.error ?? new SkiffError('EFETCH', 'the global install failed')
    Object.assign(summary, changesSummary(layout, changes))
    summary.downloaded = outcome?.fetchedKeys ?? 0
    summary.downloadedBytes = outcome?.fetchedBytes ?? 0
    summary.fromCache = result.reified?.fromCache ?? 0
    if (result.reified) summary.deprecated = deprecationsOf(result.reified, result.plan?.installed ?? new Map())
  }
  await settleNodeShim(layout, reporter)
  return summary
}

async function settleNodeShim(layout: GlobalLayout, reporter: Reporter): Promise<void> {
  const pathValue = process.env.PATH ?? ''
  const change = await syncGlobalNodeShim({ binDir: layout.binDir, runtime: process.execPath, pathValue })
  if (change === 'created') {
    reporter.notice(`no node on PATH: ${layout.binDir}/node now runs the global packages' bins with skiff's own runtime (Bun); it goes once a node is on PATH`)
  } else if (change === 'removed') {
    reporter.notice(`removed ${layout.binDir}/node, skiff's stand-in for node: ${realNodeOnPath(pathValue) ?? 'node'} is on PATH now`)
  }
}

/** npm's lists and counts, from the changes by location below `<prefix>/lib`. */
function changesSummary(layout: GlobalLayout, changes: GlobalChanges): Pick<Summary, 'add' | 'added' | 'change' | 'changed' | 'remove' | 'removed'> {
  const item = (location: string, version: string): PackageChange => ({ name: nameFromLocation(location), version, path: path.join(layout.libDir, location) })
  const add = changes.added.map(({ location, version }) => item(location, version))
  const change = changes.changed.map(({ location, from, to }) => ({ from: item(location, from), to: item(location, to) }))
  const remove = changes.removed.map(({ location, version }) => item(location, version))
  return { add, added: add.length, change, changed: change.length, remove, removed: remove.length }
}
