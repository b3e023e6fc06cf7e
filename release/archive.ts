/**
 * The release folder (dist/release): one archive per target — `skiff-<target>.tar.gz`, or
 * `.zip` for Windows — holding `skiff-<target>/` with the executable, LICENSE and README.md;
 * install.sh; and SHA256SUMS over all of them, in `sha256sum -c` form. install.sh and the
 * release workflow read exactly this layout.
 */
import fs from 'node:fs'
import path from 'node:path'
import { create as createTar } from 'tar'
import type { Target } from './targets.ts'
import { createZip } from './zip.ts'

const repoRoot = path.resolve(import.meta.dir, '..')
/** files shipped beside the executable */
const DOCS = ['LICENSE', 'README.md']
/** archive entries carry this time, so the same build gives the same archive */
const FIXED_MTIME = new Date('2000-01-01T00:00:00Z')

export function archiveName(target: Target): string {
  return `skiff-${target.name}${target.os === 'win32' ? '.zip' : '.tar.gz'}`
}

/** Writes the target's archive into `releaseDir`; resolves to its path. */
export async function writeReleaseArchive(target: Target, executable: string, releaseDir: string): Promise<string> {
  const folder = `skiff-${target.name}`
  const out = path.join(releaseDir, archiveName(target))
  if (target.os === 'win32') {
    const entries = [
      { name: `${folder}/${target.exe}`, data: fs.readFileSync(executable), mode: 0o755 },
      ...DOCS.map((doc) => ({ name: `${folder}/${doc}`, data: fs.readFileSync(path.join(repoRoot, doc)), mode: 0o644 })),
    ]
    await Bun.write(out, createZip(entries))
    return out
  }
  // node-tar takes the entries from disk: lay them out (hard links, no copy) in a staging folder
  const stage = fs.mkdtempSync(path.join(releaseDir, '.stage-'))
  try {
    fs.mkdirSync(path.join(stage, folder))
    fs.linkSync(executable, path.join(stage, folder, target.exe))
    fs.chmodSync(path.join(stage, folder, target.exe), 0o755)
    for (const doc of DOCS) fs.copyFileSync(path.join(repoRoot, doc), path.join(stage, folder, doc))
    await createTar({ gzip: true, file: out, cwd: stage, portable: true, mtime: FIXED_MTIME }, [folder])
  } finally {
    fs.rmSync(stage, { recursive: true, force: true })
  }
  return out
}

/** SHA256SUMS over every file of the release folder (itself excepted), sorted by name. */
export async function writeChecksums(releaseDir: string): Promise<string> {
  const names = fs.readdirSync(releaseDir).filter((name) => name !== 'SHA256SUMS' && !name.startsWith('.')).sort()
  const lines = await Promise.all(names.map(async (name) => `${await sha256File(path.join(releaseDir, name))}  ${name}\n`))
  const out = path.join(releaseDir, 'SHA256SUMS')
  fs.writeFileSync(out, lines.join(''))
  return out
}

async function sha256File(file: string): Promise<string> {
  const hasher = new Bun.CryptoHasher('sha256')
  for await (const chunk of Bun.file(file).stream()) hasher.update(chunk)
  return hasher.digest('hex')
}
