/**
 * Which install scripts run, in what order (arborist's rebuild.js), and which are held back
 * by the allowScripts policy. Pure.
 *
 * Order: packages sorted by depth, then by path (the 'en' collation npm uses). Dependencies
 * first: every `preinstall`, then bin links, every `install`, every `postinstall`. Then
 * linked folders (workspaces, `file:` folders): `preinstall`, `prepare`, bin links,
 * `install`, `postinstall`.
 *
 * Who runs: nothing with --ignore-scripts; linked folders and the root always (they are the
 * project's own code); bundled packages never (they cannot be named in a policy); with
 * --dangerously-allow-all-scripts every package; else packages the policy allows. Packages it
 * does not mention are "unreviewed": skipped and listed at the end of the install; packages it
 * denies are skipped silently.
 */
import { scriptVerdict, type Policy, type PolicyNode } from './allow-scripts.ts'

export type Phase = 'preinstall' | 'install' | 'postinstall' | 'prepare'

export type InstallScripts = Partial<Record<Phase, string>>

export interface BuildNode {
  location: string
  /** absolute folder the scripts run in (a link's target folder) */
  dir: string
  /** node_modules folders above it (1 for top-level packages) */
  depth: number
  /** name@version */
  pkg: string
  /** its package.json */
  manifest: Readonly<Record<string, unknown>>
  scripts: InstallScripts
  isLink: boolean
  /** the project's own code (linked folders, the root for `rebuild`): never held back by the policy */
  own: boolean
  optional: boolean
  /** made by this install: its scripts are due (an untouched package ran them before) */
  built: boolean
  policy: PolicyNode
  /** npm_package_* values for its scripts (resolved, integrity, dev, optional, peer, dev_optional) */
  env: Readonly<Record<string, string>>
}

export type PhaseQueues = Record<Phase, BuildNode[]>

export interface BuildPlan {
  deps: PhaseQueues
  links: PhaseQueues
  /** packages with install scripts that the policy does not cover (not run) */
  unreviewed: BuildNode[]
  /** packages with install scripts that the policy denies (not run) */
  denied: BuildNode[]
}

export interface BuildPolicy {
  policy: Policy | null
  ignoreScripts: boolean
  dangerouslyAllowAllScripts: boolean
  projectDir: string
}

const collator = new Intl.Collator('en')

export function compareBuildNodes(a: Pick<BuildNode, 'depth' | 'dir'>, b: Pick<BuildNode, 'depth' | 'dir'>): number {
  return a.depth - b.depth || collator.compare(a.dir, b.dir)
}

export function planBuild(nodes: readonly BuildNode[], rules: BuildPolicy): BuildPlan {
  const plan: BuildPlan = { deps: emptyQueues(), links: emptyQueues(), unreviewed: [], denied: [] }
  if (rules.ignoreScripts) return plan
  for (const node of [...nodes].sort(compareBuildNodes)) {
    if (Object.keys(node.scripts).length === 0) continue
    if (node.isLink) {
      if (node.built) enqueue(plan.links, node, ['preinstall', 'prepare', 'install', 'postinstall'])
      continue
    }
    if (node.policy.inBundle) continue
    const verdict = rules.dangerouslyAllowAllScripts || node.own ? true : scriptVerdict(node.policy, rules.policy, rules.projectDir)
    if (verdict === null) plan.unreviewed.push(node)
    else if (!verdict) plan.denied.push(node)
    else if (node.built) enqueue(plan.deps, node, ['preinstall', 'install', 'postinstall'])
  }
  return plan
}

function emptyQueues(): PhaseQueues {
  return { preinstall: [], install: [], postinstall: [], prepare: [] }
}

function enqueue(queues: PhaseQueues, node: BuildNode, phases: readonly Phase[]): void {
  for (const phase of phases) if (node.scripts[phase]) queues[phase].push(node)
}

/**
 * The install scripts a package.json declares: preinstall / install / postinstall (and
 * prepare for linked folders), plus npm's implicit `node-gyp rebuild` install when the
 * package has a binding.gyp, no install or preinstall script, and `gypfile` is not false.
 */
export function installScriptsOf(manifest: Readonly<Record<string, unknown>>, options: { hasBindingGyp: boolean; isLink: boolean }): InstallScripts {
  const raw = manifest.scripts
  const declared = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {}
  const scripts: InstallScripts = {}
  const phases: Phase[] = options.isLink ? ['preinstall', 'prepare', 'install', 'postinstall'] : ['preinstall', 'install', 'postinstall']
  for (const phase of phases) {
    const script = declared[phase]
    if (typeof script === 'string' && script !== '') scripts[phase] = script
  }
  if (options.hasBindingGyp && manifest.gypfile !== false && !scripts.install && !scripts.preinstall) scripts.install = 'node-gyp rebuild'
  return scripts
}
