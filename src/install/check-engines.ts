/**
 * npm's engine check on the tree an install makes (arborist buildIdealTree's
 * #checkEngineAndPlatform with npm-install-checks' checkEngine), over lockfile entries: the
 * project's own folders (the root, unless its package.json has devEngines, and the workspaces)
 * and every package that is neither optional nor omitted must accept the running node and npm
 * versions in `engines`. A mismatch is a warning; with engine-strict it is EBADENGINE and the
 * install stops before anything is written. --force skips the node part of the check (not the
 * npm part), as checkEngine does. Optional packages are planFromLock's: left out when they do
 * not fit, whatever these settings say. Pure but for warnEngineMismatches waiting for the node
 * version (settled).
 */
import { SkiffError } from '../error/index.ts'
import { isInNodeModules, nameFromLocation, type Lockfile } from '../lockfile/index.ts'
import { isEngineCompatible, type EngineVersions } from '../link/index.ts'
import { isOmitted, type Omit } from './plan.ts'

export interface EngineSettings extends EngineVersions {
  npmVersion: string
  /** engine-strict */
  strict: boolean
  force: boolean
  /** settles once the node version can be read without starting node here (its probe answered) */
  settled?: () => Promise<void>
}

export interface EngineMismatch {
  /** name@version */
  pkg: string
  required: Record<string, string>
}

/**
 * The mismatches to warn about, in lockfile order; throws EBADENGINE instead under engine-strict.
 * `folders` are package.json files by location ('' the root): they stand in for the lockfile's
 * entries of those folders.
 */
export function checkEngines(
  lock: Lockfile,
  options: { engines: EngineSettings; omit: Omit; folders?: ReadonlyMap<string, Record<string, unknown>> },
): EngineMismatch[] {
  const { engines } = options
  const versions = { nodeVersion: engines.force ? '' : engines.nodeVersion, npmVersion: engines.npmVersion }
  const mismatches: EngineMismatch[] = []
  for (const [location, entry] of lock.packages) {
    if (entry.link === true) continue
    if (isInNodeModules(location) && (entry.optional === true || isOmitted(entry, options.omit))) continue
    const folder = isInNodeModules(location) ? undefined : options.folders?.get(location)
    if (location === '' && (folder ?? entry).devEngines !== undefined) continue
    const required = folder === undefined ? engineRanges(entry.engines) : engineRanges(folder.engines)
    if (isEngineCompatible({ engines: required }, versions)) continue
    const name = stringOf(folder?.name) ?? entry.name ?? nameFromLocation(location)
    mismatches.push({ pkg: `${name}@${stringOf(folder?.version) ?? entry.version ?? ''}`, required })
  }
  if (engines.strict && mismatches.length > 0) throw engineError(mismatches, engines)
  return mismatches
}

/** The warning npm prints for one mismatch, as one message and its lines. */
/**
 * checkEngines once the node version is known without starting node here (its background
 * probe answered), each mismatch handed to `onWarning` as npm warns of it (EBADENGINE);
 * throws as checkEngines does under engine-strict.
 */
export async function warnEngineMismatches(
  lock: Lockfile,
  options: { engines: EngineSettings; omit: Omit; folders?: ReadonlyMap<string, Record<string, unknown>> },
  onWarning: ((warning: { code: 'EBADENGINE'; message: string; lines: string[] }) => void) | undefined,
): Promise<void> {
  await options.engines.settled?.()
  for (const mismatch of checkEngines(lock, options)) onWarning?.({ code: 'EBADENGINE', ...describeMismatch(mismatch, options.engines) })
}

export function describeMismatch(mismatch: EngineMismatch, engines: EngineVersions): { message: string; lines: string[] } {
  return { message: `Unsupported engine for ${mismatch.pkg}`, lines: [`required: ${JSON.stringify(mismatch.required)}`, `current: ${JSON.stringify(current(engines))}`] }
}

function engineError(mismatches: EngineMismatch[], engines: EngineVersions): SkiffError {
  const [first] = mismatches
  const subject = mismatches.length === 1 && first !== undefined ? first.pkg : `${mismatches.length} packages`
  return new SkiffError('EBADENGINE', `not compatible with your version of node/npm: ${subject}`, {
    lines: [...mismatches.map((mismatch) => `${mismatch.pkg} requires ${JSON.stringify(mismatch.required)}`), `actual: ${JSON.stringify(current(engines))}`],
    hint: 'engine-strict is set: use a node version these packages accept, or unset engine-strict to install them with a warning',
  })
}

function current(engines: EngineVersions): Record<string, string> {
  return { node: engines.nodeVersion, ...(engines.npmVersion === undefined ? {} : { npm: engines.npmVersion }) }
}

/** The node and npm ranges of an `engines` field (an old package's array has none). */
function engineRanges(engines: unknown): Record<string, string> {
  if (typeof engines !== 'object' || engines === null || Array.isArray(engines)) return {}
  return Object.fromEntries(Object.entries(engines).filter((pair): pair is [string, string] => (pair[0] === 'node' || pair[0] === 'npm') && typeof pair[1] === 'string'))
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}
