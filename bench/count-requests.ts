/**
 * What each tool asks the registry for in the stale phase: the phase once more, untimed, with the
 * tool's registry set to a recording proxy in front of REGISTRY. The proxy is plain http on
 * 127.0.0.1 and forwards every request as is; a fresh cache is filled through it by the install
 * that starts the phase, so what the tool cached is keyed as in a timed run. Tarballs whose
 * locked or published URL names REGISTRY itself may bypass the proxy (tools differ in rewriting
 * them): the documents (packuments and version documents) are what the counts are about.
 */
import fs from 'node:fs'
import path from 'node:path'
import { measure } from './measure.ts'
import { buildCommand, LOCKFILE_NAME, REGISTRY } from './phases.ts'
import { copyProject, moveToTrash, toolKey, type BenchDirs, type Fixture } from './projects.ts'
import { commandArgv } from './session.ts'
import type { ToolCommand } from './tools.ts'

export interface StepCount {
  documents: number
  tarballs: number
  /** the documents, as paths (`/is-odd`, `/@scope%2fname`) */
  paths: string[]
}

export interface StaleCount {
  tool: ToolCommand['tool']
  fixture: string
  ok: boolean
  failure?: string
  add?: StepCount
  remove?: StepCount
}

interface Proxy extends AsyncDisposable {
  url: string
  /** paths asked for since the last take() */
  take(): string[]
}

export function startProxy(upstream: string): Proxy {
  let seen: string[] = []
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    idleTimeout: 0,
    async fetch(request) {
      const url = new URL(request.url)
      seen.push(url.pathname)
      const headers = new Headers(request.headers)
      headers.delete('host')
      const answer = await fetch(`${upstream.replace(/\/$/, '')}${url.pathname}${url.search}`, { method: request.method, headers, redirect: 'manual' })
      const out = new Headers(answer.headers)
      // the body is passed on decoded
      out.delete('content-encoding')
      out.delete('content-length')
      return new Response(answer.body, { status: answer.status, headers: out })
    },
  })
  return {
    url: `http://127.0.0.1:${server.port}/`,
    take() {
      const taken = seen
      seen = []
      return taken
    },
    async [Symbol.asyncDispose]() {
      await server.stop(true)
    },
  }
}

function countOf(paths: string[]): StepCount {
  const documents = paths.filter((requested) => !requested.includes('/-/'))
  return { documents: documents.length, tarballs: paths.length - documents.length, paths: documents.sort() }
}

/** One tool on one fixture: install from the lockfile through the proxy, then the add and the removal, each counted. */
export async function countStaleRequests(options: {
  dirs: BenchDirs
  fixture: Fixture
  tool: ToolCommand
  prepared: string
  baseEnv: Record<string, string>
}): Promise<StaleCount> {
  const { dirs, fixture, tool } = options
  const runDir = path.join(dirs.runs, `count-${toolKey(tool)}-${fixture.name}-${Date.now()}`)
  const projectDir = path.join(runDir, 'project')
  const cacheDir = path.join(runDir, 'cache')
  fs.mkdirSync(cacheDir, { recursive: true })
  copyProject(options.prepared, projectDir, LOCKFILE_NAME[tool.tool], true)
  await using proxy = startProxy(REGISTRY)
  const input = { tool: tool.tool, cacheDir, legacyPeerDeps: fixture.legacyPeerDeps, registry: proxy.url }
  const run = async (argv: string[], env: Record<string, string>, step: string): Promise<string | undefined> => {
    const measured = await measure({ argv, cwd: projectDir, env: { ...options.baseEnv, ...env }, logDir: path.join(runDir, `log-${step}`), settleMs: 0 })
    return measured.exitCode === 0 ? undefined : `${step} exited ${measured.exitCode}: ${measured.stderrTail}`
  }
  const base = { tool: tool.tool, fixture: fixture.name }
  try {
    const install = buildCommand({ ...input, action: 'install-locked' })
    const installFailure = await run(commandArgv(tool, install), install.env, 'install')
    if (installFailure !== undefined) return { ...base, ok: false, failure: installFailure }
    proxy.take()
    const stale = buildCommand({ ...input, action: 'stale' })
    const addFailure = await run(commandArgv(tool, { args: stale.args, env: stale.env }), stale.env, 'add')
    const add = countOf(proxy.take())
    if (addFailure !== undefined) return { ...base, ok: false, failure: addFailure, add }
    const removeFailure = await run(commandArgv(tool, { args: stale.thenArgs ?? [], env: stale.env }), stale.env, 'remove')
    const remove = countOf(proxy.take())
    return { ...base, ok: removeFailure === undefined, ...(removeFailure === undefined ? {} : { failure: removeFailure }), add, remove }
  } finally {
    moveToTrash(dirs, runDir)
  }
}

/** The counts as a markdown table. */
export function renderCounts(counts: readonly StaleCount[]): string {
  const lines = [
    '| fixture | tool | add: documents | add: tarballs | remove: documents | remove: tarballs |',
    '|---|---|---|---|---|---|',
  ]
  for (const count of counts) {
    const cell = (step: StepCount | undefined, field: 'documents' | 'tarballs') => (step === undefined ? 'failed' : String(step[field]))
    lines.push(`| ${count.fixture} | ${count.tool} | ${cell(count.add, 'documents')} | ${cell(count.add, 'tarballs')} | ${cell(count.remove, 'documents')} | ${cell(count.remove, 'tarballs')} |`)
  }
  const failures = counts.filter((count) => !count.ok).map((count) => `- ${count.fixture} ${count.tool}: ${count.failure ?? ''}`)
  return [...lines, ...(failures.length > 0 ? ['', ...failures] : [])].join('\n')
}
