/**
 * `skiff install-scripts approve | deny | ls | prune`: show and edit the root package.json's
 * `allowScripts` field against what is installed, with npm 11's texts and rules
 * (lib/utils/allow-scripts-cmd.js). package.json is rewritten only when the field changes,
 * keeping its indent, line ending and key order (a new field goes last).
 */
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { SkiffError } from '../error/index.ts'
import { readPackageJson, type LockEntry } from '../lockfile/index.ts'
import { trustedIdentity, type Policy, type PolicyNode } from './allow-scripts.ts'
import {
  applyApproval,
  applyDeny,
  classifyUnusedEntries,
  nameKeyFor,
  parsePositional,
  positionalMatches,
  type AllowScripts,
  type Change,
  type Removed,
} from './allow-scripts-writer.ts'
import { collectBuildNodes, policyNodeOf } from './collect-build-nodes.ts'
import { planBuild, type BuildNode } from './plan-build.ts'
import { unreviewedId, unreviewedLines, unreviewedOf } from './unreviewed-scripts.ts'

export type Mode = 'approve' | 'deny' | 'ls' | 'prune'

export interface ManageRequest {
  projectDir: string
  mode: Mode
  args: readonly string[]
  all: boolean
  /** --allow-scripts-pin (default true) */
  pin: boolean
  dryRun: boolean
  /** the policy installs use now (package.json, else .npmrc) */
  policy: Policy | null
  installed: ReadonlyMap<string, LockEntry>
}

export interface ManageResult {
  lines: string[]
  json: unknown
  warnings: string[]
}

export async function manageAllowScripts(request: ManageRequest): Promise<ManageResult> {
  if (request.mode === 'prune') return prune(request)
  if (request.mode === 'ls' && (request.args.length > 0 || request.all)) {
    throw new SkiffError('EUSAGE', '`skiff install-scripts ls` cannot be combined with positional arguments or --all')
  }
  if (request.mode !== 'ls' && !request.all && request.args.length === 0) {
    throw new SkiffError('EUSAGE', `skiff install-scripts ${request.mode} needs package names, or --all`)
  }
  const all = new Set(request.installed.keys())
  const nodes = await collectBuildNodes(request.projectDir, request.installed, all)
  // listing goes on under --ignore-scripts: it is how one moves from ignoring to an allowlist
  const unreviewed = planBuild(nodes, { policy: request.policy, ignoreScripts: false, dangerouslyAllowAllScripts: false, projectDir: request.projectDir }).unreviewed
  if (request.mode === 'ls') return listPending(unreviewed)
  const selected = request.all ? unreviewed.map((node) => node.policy) : matchPositionals(request)
  if (request.all && selected.length === 0) {
    return { lines: ['No packages with unreviewed install scripts.'], json: { allowScripts: [] }, warnings: [] }
  }
  return writeChanges(request, request.mode, selected)
}

function listPending(unreviewed: readonly BuildNode[]): ManageResult {
  const items = unreviewed.map(unreviewedOf)
  const groups = new Map<string, Array<{ key: string; change: 'pending' }>>()
  for (const item of items) groups.set(item.name, [...(groups.get(item.name) ?? []), { key: unreviewedId(item), change: 'pending' }])
  const json = { allowScripts: [...groups].map(([name, changes]) => ({ name, changes })) }
  if (items.length === 0) return { lines: ['No packages with unreviewed install scripts.'], json, warnings: [] }
  return { lines: unreviewedLines(items, { kind: 'review' }), json, warnings: [] }
}

function matchPositionals(request: ManageRequest): PolicyNode[] {
  const candidates = [...request.installed]
    .filter(([, entry]) => !entry.link && !entry.inBundle)
    .map(([location, entry]) => policyNodeOf(location, entry))
  const matched: PolicyNode[] = []
  const unmatched: string[] = []
  for (const arg of request.args) {
    const wanted = parsePositional(arg, request.projectDir)
    const found = candidates.filter((node) => positionalMatches(node, wanted, request.projectDir))
    if (found.length === 0) unmatched.push(arg)
    matched.push(...found)
  }
  if (unmatched.length > 0) throw new SkiffError('ENOMATCH', `No installed packages match: ${unmatched.join(', ')}`)
  return matched
}

async function writeChanges(request: ManageRequest, mode: 'approve' | 'deny', nodes: readonly PolicyNode[]): Promise<ManageResult> {
  const groups = new Map<string, PolicyNode[]>()
  const warnings: string[] = []
  for (const node of nodes) {
    const key = nameKeyFor(node, request.projectDir)
    if (key === null) {
      warnings.push(`skipping ${node.name}: no trusted identity for a policy key`)
      continue
    }
    groups.set(key, [...(groups.get(key) ?? []), node])
  }
  const file = await readPackageJson(request.projectDir)
  const existing = fieldOf(file.data)
  let updated: AllowScripts = existing
  const summary: Array<{ name: string; changes: Change[] }> = []
  for (const [name, group] of groups) {
    const result = mode === 'approve'
      ? applyApproval(updated, group, { pin: request.pin, projectDir: request.projectDir })
      : applyDeny(updated, group, request.projectDir)
    if (result.warning !== undefined) warnings.push(result.warning)
    updated = result.allowScripts
    summary.push({ name, changes: result.changes })
  }
  if (summary.some(({ changes }) => changes.length > 0)) await savePackageJson(request.projectDir, file, updated)
  const verb = mode === 'approve' ? 'Approved' : 'Denied'
  const lines = summary
    .filter(({ changes }) => changes.length > 0)
    .flatMap(({ name, changes }) => [`${verb} ${name}:`, ...changes.map(({ key, change }) => `  ${change} ${key}`)])
  if (lines.length === 0) lines.push(`Nothing to ${mode}; allowScripts unchanged.`)
  return { lines, json: { allowScripts: summary }, warnings }
}

async function prune(request: ManageRequest): Promise<ManageResult> {
  if (request.args.length > 0 || request.all) {
    throw new SkiffError('EUSAGE', '`skiff install-scripts prune` cannot be combined with positional arguments or --all')
  }
  const file = await readPackageJson(request.projectDir)
  const existing = fieldOf(file.data)
  let removed: Removed[] = []
  if (Object.keys(existing).length > 0) {
    const installed = [...request.installed].filter(([, entry]) => !entry.link && !entry.inBundle)
    const withScripts = new Set(
      (await collectBuildNodes(request.projectDir, new Map(installed), new Set(installed.map(([location]) => location)))).map((node) => node.location),
    )
    const candidates = installed.map(([location, entry]) => ({ node: policyNodeOf(location, entry), hasScripts: withScripts.has(location) }))
    const classified = classifyUnusedEntries(existing, candidates, request.projectDir)
    removed = classified.removed
    if (removed.length > 0 && !request.dryRun) {
      await savePackageJson(request.projectDir, file, Object.keys(classified.remaining).length > 0 ? classified.remaining : undefined)
    }
  }
  const json = { allowScripts: { removed, dryRun: request.dryRun } }
  if (removed.length === 0) return { lines: ['No unused allowScripts entries.'], json, warnings: [] }
  return {
    lines: [
      `${request.dryRun ? 'Would remove' : 'Removed'} ${removed.length} unused allowScripts ${removed.length === 1 ? 'entry' : 'entries'}:`,
      ...removed.map(({ key, reason }) => `  ${key} (${reason === 'not-installed' ? 'package not installed' : 'no install scripts'})`),
    ],
    json,
    warnings: [],
  }
}

function fieldOf(data: Record<string, unknown>): AllowScripts {
  const field = data.allowScripts
  return typeof field === 'object' && field !== null && !Array.isArray(field) ? (field as AllowScripts) : {}
}

/**
 * Writes package.json with `allowScripts` replaced in place (appended when new, dropped when
 * undefined), in the file's own indent and line ending, as @npmcli/package-json saves it.
 */
export async function savePackageJson(
  dir: string,
  file: { data: Record<string, unknown>; text: string; indent: string; newline: string },
  allowScripts: AllowScripts | undefined,
): Promise<void> {
  const data: Record<string, unknown> = { ...file.data }
  if (allowScripts === undefined) delete data.allowScripts
  else data.allowScripts = allowScripts
  const text = `${JSON.stringify(data, null, file.indent)}\n`.replace(/\n/g, file.newline)
  if (text !== file.text) await writeFile(path.join(dir, 'package.json'), text)
}
