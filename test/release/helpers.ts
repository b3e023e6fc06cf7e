/**
 * For the release tests: a release folder made by the same code as `bun build.ts --release`
 * (for this machine's target only), a static HTTP server on 127.0.0.1 that serves a folder and
 * records each path asked for, and a PATH with no node on it.
 */
import fs from 'node:fs'
import path from 'node:path'
import { archiveName, hostTargetName, targetNamed, writeChecksums, writeReleaseArchive, type Target } from '../../release/index.ts'
import { compiledSkiff } from '../helpers/index.ts'

const repoRoot = path.resolve(import.meta.dir, '../..')

export function hostTarget(): Target {
  const target = targetNamed(hostTargetName())
  if (!target) throw new Error(`no build target for this machine (${hostTargetName()})`)
  return target
}

/** dist/release as build.ts lays it out, with the archive of `executable` for this machine. */
export async function makeReleaseFolder(dir: string, executable: string): Promise<string> {
  fs.mkdirSync(dir, { recursive: true })
  await writeReleaseArchive(hostTarget(), executable, dir)
  fs.copyFileSync(path.join(repoRoot, 'release/install.sh'), path.join(dir, 'install.sh'))
  await writeChecksums(dir)
  return dir
}

/**
 * The release folder the tests serve: SKIFF_TEST_RELEASE (CI points it at the dist/release that
 * `bun build.ts --release --target host` made), else one made in `work` from the executable.
 */
export async function releaseFolder(work: string): Promise<string> {
  const given = process.env.SKIFF_TEST_RELEASE
  if (given) {
    if (!fs.existsSync(path.join(given, archiveName(hostTarget())))) throw new Error(`SKIFF_TEST_RELEASE=${given} has no ${archiveName(hostTarget())}`)
    return given
  }
  return makeReleaseFolder(path.join(work, 'release'), await compiledSkiff(path.join(work, 'build')))
}

export interface FolderServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` */
  url: string
  /** the paths asked for, in order */
  requests: string[]
}

export function serveFolder(dir: string): FolderServer {
  const requests: string[] = []
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(request) {
      const pathname = decodeURIComponent(new URL(request.url).pathname)
      requests.push(pathname)
      const file = path.join(dir, pathname)
      if (!file.startsWith(`${dir}${path.sep}`) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return new Response('not found', { status: 404 })
      return new Response(Bun.file(file))
    },
  })
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    async [Symbol.asyncDispose]() {
      await server.stop(true)
    },
  }
}
