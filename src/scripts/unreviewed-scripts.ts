/**
 * Packages whose install scripts the allowScripts policy does not cover, and the one way they
 * are listed (npm's reify-output and install-scripts ls): a header with the count, a line a
 * package with its scripts, a blank line, then what to do next, which depends on where the
 * install happened (a project, the global folder, exec's cache).
 */
import { trustedIdentity } from './allow-scripts.ts'
import type { BuildNode } from './plan-build.ts'

export interface UnreviewedScripts {
  name: string
  version?: string
  /** the folder the scripts would run in */
  path: string
  scripts: Record<string, string>
}

export type NextStep = { kind: 'project' } | { kind: 'review' } | { kind: 'allow-once'; command: string }

export function unreviewedOf(node: BuildNode): UnreviewedScripts {
  const trusted = trustedIdentity(node.policy)
  const version = trusted?.version ?? node.policy.version
  return { name: trusted?.name ?? node.policy.name, ...(version ? { version } : {}), path: node.dir, scripts: { ...node.scripts } }
}

/** name@version as the lockfile URL gives it (the installed name and version without one). */
export function unreviewedId(item: UnreviewedScripts): string {
  return item.version ? `${item.name}@${item.version}` : item.name
}

export function unreviewedLines(items: readonly UnreviewedScripts[], next: NextStep): string[] {
  const count = items.length
  const names = [...new Set(items.map((item) => item.name))]
  return [
    `${count} ${count === 1 ? 'package has' : 'packages have'} install scripts not yet covered by allowScripts:`,
    ...items.map((item) => `  ${unreviewedId(item)} (${Object.entries(item.scripts).map(([event, script]) => `${event}: ${script}`).join('; ')})`),
    '',
    nextStepLine(next, names),
  ]
}

function nextStepLine(next: NextStep, names: readonly string[]): string {
  switch (next.kind) {
    case 'project':
      return 'They were not run. Run `skiff install-scripts ls` to review, or `skiff install-scripts approve <pkg>` to allow.'
    case 'review':
      return 'Run `skiff install-scripts approve <pkg>` to allow, or `skiff install-scripts deny <pkg>` to deny.'
    case 'allow-once':
      // no package.json to approve them in: the flag for once, the user .npmrc for good (npm's advice for -g)
      return `They were not run. Run \`${next.command} --allow-scripts=${names.join(',')}\` to allow them once, or \`skiff config set allow-scripts=${names.join(',')} --location=user\` to allow them for good.`
    default: {
      const unknown: never = next
      return unknown
    }
  }
}
