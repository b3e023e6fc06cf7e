/**
 * `install -g`, `update -g` and `uninstall -g` (install/global.ts does the work): what the
 * command line asks, turned into a global install, the summary npm prints for it, and the
 * `node` shim beside the global bins while no node is on PATH (said once, when it is made).
 */
import { SkiffError } from '../error/index.ts'
import { globalLayout, globalPackageNames, installGlobal, uninstallGlobal, type GlobalLayout } from '../install/global.ts'
import { realNodeOnPath, syncGlobalNodeShim } from '../scripts/index.ts'
import { parseSpec, parseSpecArg } from '../spec/index.ts'
import { readUmask } from '../tarball/index.ts'
import { emptySummary, type Reporter, type Summary } from '../ui/reporter.ts'
import type { InstallContext } from './install-context.ts'
import { resolveOptionsFor, resolveServicesFor } from './resolve-context.ts'

export type GlobalRequest = { add: string[] } | { update: string[] } | { remove: string[] }

export async function runGlobalJob(command: string, request: GlobalRequest, context: InstallContext, reporter: Reporter): Promise<Summary> {
  const { config } = context
  const layout = globalLayout(config.globalPrefix)
  const summary = emptySummary(command)
  if ('remove' in request) {
    if (request.remove.length === 0) throw new SkiffError('EUSAGE', `skiff ${command} -g needs the names of the global packages to remove`)
    summary.removed = await uninstallGlobal(layout, request.remove)
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
    Object.assign(summary, { added: changes.added, changed: changes.changed, removed: changes.removed })
    summary.downloaded = outcome?.fetchedKeys ?? 0
    summary.downloadedBytes = outcome?.fetchedBytes ?? 0
    summary.fromCache = result.reified?.fromCache ?? 0
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
