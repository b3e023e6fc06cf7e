/**
 * Makes every node_modules/.bin folder of the tree hold exactly the links npm would make:
 * the winners planBinLinks picks are linked (links already right are left alone), and in an
 * existing tree any other entry in a .bin folder is removed.
 */
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { linkBins, planBinLinks, type BinLink } from '../link/index.ts'
import type { LockEntry } from '../lockfile/index.ts'

export async function syncBinLinks(
  projectDir: string,
  installed: ReadonlyMap<string, LockEntry>,
  options: { pruneStale: boolean; allEntries: ReadonlyMap<string, LockEntry>; umask: number },
): Promise<void> {
  // a link node's bins are those of the folder it points at
  const nodes = [...installed].map(([location, entry]) => ({
    location,
    bin: entry.link ? options.allEntries.get(entry.resolved ?? '')?.bin : entry.bin,
    isLink: entry.link === true,
  }))
  const links = planBinLinks(nodes)
  const byOwner = new Map<string, BinLink[]>()
  for (const link of links) {
    const list = byOwner.get(link.location)
    if (list) list.push(link)
    else byOwner.set(link.location, [link])
  }
  for (const [location, owned] of byOwner) {
    const entry = installed.get(location)
    const first = owned[0]
    if (!entry || !first) continue
    await linkBins({
      packageDir: join(projectDir, location),
      binDir: join(projectDir, first.binDir),
      bin: Object.fromEntries(owned.map((link) => [link.name, link.file])),
      pkg: `${entry.name ?? location}@${entry.version ?? ''}`,
      umask: options.umask,
    })
  }
  if (options.pruneStale) await pruneStaleBins(projectDir, links)
}

async function pruneStaleBins(projectDir: string, links: readonly BinLink[]): Promise<void> {
  const wanted = new Map<string, Set<string>>()
  for (const link of links) {
    const names = wanted.get(link.binDir)
    if (names) names.add(link.name)
    else wanted.set(link.binDir, new Set([link.name]))
  }
  const dirs = new Set([...wanted.keys(), 'node_modules/.bin'])
  for (const binDir of dirs) {
    const names = await readdir(join(projectDir, binDir)).catch(() => [] as string[])
    const keep = wanted.get(binDir) ?? new Set<string>()
    for (const name of names) {
      if (!keep.has(name)) await rm(join(projectDir, binDir, name), { force: true, recursive: true })
    }
    // a clean install makes no .bin folder where no bins are linked
    if (keep.size === 0 && names.length > 0) await rm(join(projectDir, binDir), { force: true, recursive: true })
  }
}
