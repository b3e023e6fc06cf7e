/**
 * The parts of a tarball's package.json that installing needs. A missing or malformed
 * package.json is not an error here (npm installs such packages too): the fields stay empty.
 */
import { normalizeBin } from './normalize-bin.ts'
import type { PackageManifest } from './types.ts'

const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare'] as const

export interface ManifestSource {
  /** the bytes of the package's root package.json, if it has one */
  packageJson: Uint8Array | undefined
  /** every file and folder of the package, asked for only by `directories.bin` */
  listPaths: () => readonly string[]
  hasBindingGyp: boolean
}

export function readManifest(source: ManifestSource): PackageManifest {
  const manifest: PackageManifest = { hasBindingGyp: source.hasBindingGyp }
  const json = parsePackageJson(source.packageJson)
  if (json === undefined) return manifest
  if (typeof json.name === 'string') manifest.name = json.name
  if (typeof json.version === 'string') manifest.version = json.version
  const bin = normalizeBin(json, source.listPaths)
  if (bin) manifest.bin = bin
  const scripts = installScripts(json.scripts)
  if (scripts) manifest.scripts = scripts
  if (typeof json.gypfile === 'boolean') manifest.gypfile = json.gypfile
  return manifest
}

function parsePackageJson(bytes: Uint8Array | undefined): Record<string, unknown> | undefined {
  if (bytes === undefined) return undefined
  // npm's JSON reader strips a byte order mark
  const text = new TextDecoder().decode(bytes).replace(/^\uFEFF/, '')
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/** npm keeps only string scripts; an empty one never runs. */
function installScripts(scripts: unknown): Record<string, string> | undefined {
  if (typeof scripts !== 'object' || scripts === null) return undefined
  const found: Record<string, string> = {}
  let count = 0
  for (const event of INSTALL_SCRIPTS) {
    const script = (scripts as Record<string, unknown>)[event]
    if (typeof script !== 'string' || script === '') continue
    found[event] = script
    count++
  }
  return count === 0 ? undefined : found
}
