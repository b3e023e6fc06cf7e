/**
 * The resolver's injected I/O over plain HTTP, for the corpus tests (fixture registry) and the
 * by-hand comparison with npm (registry.npmjs.org): corgi packuments, the lockfile-only
 * fields from the full documents, tarballs read with node-tar (integrity, package.json,
 * bundled packages), folder manifests from disk. Optionally cached in a folder between runs.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { Parser } from 'tar'
import { parsePackument, type ManifestExtras, type Packument, type ResolveIO, type TarballContents, type TarballSource } from '../../src/resolve/index.ts'

const CORGI = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*'

export interface RegistryIOOptions {
  registry: string
  /** per-version documents (`/name/version`, the public registry) or the full packument (fixture registry) */
  extrasFrom: 'version-document' | 'full-packument'
  cacheDir?: string
  /** requests in flight at most */
  concurrency?: number
}

export function createRegistryIO(options: RegistryIOOptions): Required<Pick<ResolveIO, 'getPackument' | 'getManifestExtras' | 'readTarball' | 'readFolderManifest'>> & { requests: () => number } {
  const registry = options.registry.endsWith('/') ? options.registry : `${options.registry}/`
  const limit = createLimit(options.concurrency ?? 32)
  const packuments = new Map<string, Promise<Packument>>()
  const documents = new Map<string, Promise<unknown>>()
  let requests = 0

  async function getJson(url: string, accept: string, cacheKey: string): Promise<unknown> {
    const cached = options.cacheDir === undefined ? undefined : path.join(options.cacheDir, `${createHash('sha1').update(cacheKey).digest('hex')}.json`)
    if (cached !== undefined && fs.existsSync(cached)) return JSON.parse(fs.readFileSync(cached, 'utf8'))
    const text = await limit(async () => {
      requests++
      const response = await fetch(url, { headers: { accept } })
      if (!response.ok) throw Object.assign(new Error(`${response.status} ${url}`), { code: `E${response.status}` })
      return response.text()
    })
    if (cached !== undefined) fs.writeFileSync(cached, text)
    return JSON.parse(text)
  }

  function document(url: string, accept: string, key: string): Promise<unknown> {
    let known = documents.get(key)
    if (known === undefined) {
      known = getJson(url, accept, key)
      documents.set(key, known)
    }
    return known
  }

  const escaped = (name: string) => name.replace('/', '%2f')

  return {
    requests: () => requests,
    getPackument(name) {
      let known = packuments.get(name)
      if (known === undefined) {
        known = document(`${registry}${escaped(name)}`, CORGI, `corgi:${registry}${name}`).then((json) => parsePackument(json, name))
        packuments.set(name, known)
      }
      return known
    },
    async getManifestExtras(name, version) {
      const manifest = options.extrasFrom === 'version-document'
        ? await document(`${registry}${escaped(name)}/${version}`, 'application/json', `version:${registry}${name}@${version}`)
        : versionOf(await document(`${registry}${escaped(name)}`, 'application/json', `full:${registry}${name}`), version)
      return extrasOf(manifest)
    },
    async readTarball(source: TarballSource): Promise<TarballContents> {
      const bytes = source.url !== undefined
        ? new Uint8Array(await limit(async () => {
          requests++
          return (await fetch(source.url as string)).arrayBuffer()
        }))
        : new Uint8Array(fs.readFileSync(source.file ?? ''))
      return readTarballBytes(bytes)
    },
    async readFolderManifest(dir) {
      return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>
    },
  }
}

function versionOf(packument: unknown, version: string): unknown {
  const versions = isRecord(packument) ? packument.versions : undefined
  return isRecord(versions) ? versions[version] : undefined
}

function extrasOf(manifest: unknown): ManifestExtras {
  if (!isRecord(manifest)) return {}
  const extras: ManifestExtras = {}
  if (manifest.license !== undefined) extras.license = manifest.license
  if (manifest.libc !== undefined) extras.libc = manifest.libc
  if (manifest.funding !== undefined) extras.funding = manifest.funding
  if (manifest.workspaces !== undefined) extras.workspaces = manifest.workspaces
  if (manifest.scripts !== undefined) extras.scripts = manifest.scripts
  if (manifest.bundleDependencies !== undefined) extras.bundleDependencies = manifest.bundleDependencies
  if (manifest.bundledDependencies !== undefined) extras.bundledDependencies = manifest.bundledDependencies
  return extras
}

const BUNDLED = /^[^/]+\/((?:node_modules\/(?:@[^/]+\/)?[^/]+\/)+)package\.json$/

export async function readTarballBytes(bytes: Uint8Array): Promise<TarballContents> {
  const integrity = `sha512-${createHash('sha512').update(bytes).digest('base64')}`
  const files = new Map<string, string>()
  await new Promise<void>((resolve, reject) => {
    const parser = new Parser({
      onReadEntry: (entry) => {
        const chunks: Buffer[] = []
        const wanted = /^[^/]+\/(?:package|npm-shrinkwrap)\.json$/.test(entry.path) || BUNDLED.test(entry.path)
        entry.on('data', (chunk: Buffer) => wanted && chunks.push(chunk))
        entry.on('end', () => wanted && files.set(entry.path, Buffer.concat(chunks).toString('utf8')))
      },
    })
    parser.on('end', () => resolve())
    parser.on('error', reject)
    parser.end(Buffer.from(bytes))
  })
  let manifest: Record<string, unknown> = {}
  let shrinkwrap: string | undefined
  const bundled: TarballContents['bundled'] = []
  for (const [file, text] of files) {
    if (/^[^/]+\/npm-shrinkwrap\.json$/.test(file)) {
      shrinkwrap = text
      continue
    }
    const parsed = JSON.parse(text) as Record<string, unknown>
    const match = BUNDLED.exec(file)
    if (match?.[1] !== undefined) bundled.push({ path: match[1].slice(0, -1), manifest: parsed })
    else manifest = parsed
  }
  return { integrity, manifest, bundled, ...(shrinkwrap === undefined ? {} : { shrinkwrap }) }
}

function createLimit(concurrency: number): <T>(job: () => Promise<T>) => Promise<T> {
  let active = 0
  const waiting: Array<() => void> = []
  return async (job) => {
    if (active >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve))
    active++
    try {
      return await job()
    } finally {
      active--
      waiting.shift()?.()
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
