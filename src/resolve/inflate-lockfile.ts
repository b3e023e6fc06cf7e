/**
 * What npm fetches from the registry for a lockfile that lacks it:
 *
 *  - A lockfile older than version 2 records no bin, engines, os, cpu, license, peer
 *    dependencies or install scripts: arborist's buildIdealTree (#inflateAncientLockfile) warns
 *    "old lockfile" and gives every package in node_modules the manifest pacote finds for it
 *    (the registry's `name@version`; the `resolved` of a git or `file:` package). The entry keeps
 *    its location, resolved, integrity (else the manifest's), bundle flag and name; its
 *    manifest fields are the manifest's. A package whose manifest cannot be had keeps what the
 *    lockfile says, with a warning.
 *  - In any lockfile, a package with neither `resolved` nor `integrity` (hand-merged locks, some
 *    npm versions) is fetched as `name@version` from its registry: the manifest gives the
 *    tarball URL and integrity (reify's #extractOrLink), and the entry stays as it was. One that
 *    comes inside its bundler's tarball is not fetched at all.
 *
 * Which entries need what is lockfile/entries-to-inflate.ts's to say.
 */
import { nameFromLocation, type InflationNeed, type LockEntry } from '../lockfile/index.ts'
import type { Source } from '../scheduler/index.ts'
import { parsedSpec } from '../spec/index.ts'
import { packageFields } from './lockfile-from-tree.ts'
import { mergePackageExtras } from './manifest-extras.ts'
import { createManifestSource } from './manifest-source.ts'
import type { PackageData } from './package-data.ts'
import type { ManifestExtras, ResolveIO, ResolveOptions } from './types.ts'

export interface Inflated {
  /** the entry as npm has it once the manifest is known */
  entry: LockEntry
  /** where its tarball comes from, for an entry that had neither resolved nor integrity */
  source?: Source
}

export interface LockInflater {
  /**
   * The manifest of one entry. A failure to fetch it is an error when the tarball's source was
   * needed; otherwise the entry comes back as it was, with a warning (npm goes on too). An
   * entry with neither a version nor a resolved URL is damaged: npm leaves it out with a
   * warning (no `entry` then).
   */
  inflate(location: string, entry: LockEntry, need: InflationNeed): Promise<Partial<Inflated> & { warning?: string }>
}

export interface InflaterOptions {
  projectDir: string
  /** every lockfile field of the manifest is wanted (the lockfile will be written), not only what an install uses */
  lockfileFields: boolean
}

export function createLockInflater(io: ResolveIO, resolveOptions: ResolveOptions, options: InflaterOptions): LockInflater {
  // the version documents are asked for only where they are wanted (not for a tarball's source)
  const { getManifestExtras, ...reads } = io
  const source = createManifestSource(reads, resolveOptions)
  return {
    async inflate(location, entry, need) {
      const name = entry.name ?? nameFromLocation(location)
      const rawSpec = specOf(entry)
      if (rawSpec === undefined) {
        return { warning: `invalid or damaged lockfile: ${location} has neither a version nor a resolved URL, so it is left out; install again so that the lockfile is written anew` }
      }
      let pkg: PackageData
      try {
        pkg = await source.fetchManifest(parsedSpec(name, rawSpec, options.projectDir), `${name}@${rawSpec}`)
        if (need.metadata && isRegistry(entry) && (options.lockfileFields || pkg.os !== undefined || pkg.cpu !== undefined)) {
          // libc (a platform check) and the lockfile-only fields are in the version's own document
          const extras: ManifestExtras | undefined = await getManifestExtras?.(pkg.name ?? name, pkg.version ?? rawSpec)
          if (extras !== undefined) pkg = mergePackageExtras(pkg, extras)
        }
      } catch (error) {
        if (need.source) throw error
        return { entry, warning: `Could not fetch metadata for ${name}@${rawSpec}: ${error instanceof Error ? error.message : String(error)}` }
      }
      const inflated = need.metadata ? withManifest(entry, pkg) : entry
      if (!need.source || pkg._resolved === undefined) return { entry: inflated }
      return { entry: inflated, source: { url: pkg._resolved, ...(pkg._integrity === undefined ? {} : { integrity: pkg._integrity }) } }
    },
  }
}

/**
 * What pacote is asked for: the registry's `name@version`, or where a git or `file:` package
 * was resolved from (an old lockfile records no version for a git package).
 */
function specOf(entry: LockEntry): string | undefined {
  const resolved = entry.resolved
  if (resolved !== undefined && (resolved.startsWith('file:') || entry.version === undefined)) return resolved
  return entry.version
}

function isRegistry(entry: LockEntry): boolean {
  return entry.version !== undefined && !(entry.resolved?.startsWith('file:') ?? false)
}

/** The manifest's fields in place of the entry's, with what belongs to the location kept. */
function withManifest(entry: LockEntry, pkg: PackageData): LockEntry {
  const { name, resolved, integrity, inBundle, hasShrinkwrap, dev, optional, devOptional, peer, extraneous } = entry
  const kept = { name, resolved, integrity, inBundle, hasShrinkwrap, dev, optional, devOptional, peer, extraneous }
  const inflated: LockEntry = packageFields(pkg, false)
  for (const [key, value] of Object.entries(kept)) if (value !== undefined) inflated[key] = value
  return inflated
}
