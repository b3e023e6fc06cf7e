/**
 * Side-by-side install benchmark: skiff against bun, utoo, pnpm and npm.
 *
 *   bun bench/run.ts [--fixtures medium,antd] [--phases p3,p4] [--tools skiff,bun,utoo,pnpm,npm]
 *                    [--rounds 3] [--skiff "<command>"] [--settle-ms 1000] [--keep-trash]
 *                    [--no-cooldown] [--results <dir>] [--fixtures-dir <dir>]
 *
 * skiff is SKIFF_BIN / --skiff (a command line), else dist/skiff, else `bun src/cli/main.ts`.
 * Prints a markdown table per fixture and phase and appends the session, with every raw run,
 * to bench/results/<date>.json (and the tables to <date>.md).
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { cleanEnv, describeMachine } from './environment.ts'
import { countStaleRequests, renderCounts, type StaleCount } from './count-requests.ts'
import { buildCommand, findPhase, PHASES, STALE_PACKAGE, type Phase } from './phases.ts'
import { benchDirs, emptyTrash, FIXTURES_DIR, prepareProject, readFixture, type BenchDirs } from './projects.ts'
import { runSession } from './session.ts'
import { renderTable, summarize, type RunRecord } from './summarize.ts'
import { ensurePeers, isToolName, npmCommand, peerCommand, PEER_PINS, skiffCommand, type ToolCommand, type ToolName } from './tools.ts'

const BENCH_DIR = import.meta.dir
const REPO_ROOT = path.dirname(BENCH_DIR)
/**
 * After a big delete, new files are slow to create for a few minutes (bun-apis.md 1.4): a session
 * that starts within COOLDOWN_MS of a delete that freed more than COOLDOWN_INODES inodes waits.
 */
const COOLDOWN_MS = 300_000
const COOLDOWN_INODES = 20_000

function log(line: string): void {
  console.error(`[bench] ${line}`)
}

function list(value: string | undefined, fallback: string): string[] {
  return (value ?? fallback).split(',').map((item) => item.trim()).filter((item) => item !== '')
}

function parseCli(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      fixtures: { type: 'string' },
      phases: { type: 'string' },
      tools: { type: 'string' },
      rounds: { type: 'string' },
      skiff: { type: 'string' },
      'settle-ms': { type: 'string' },
      'fixtures-dir': { type: 'string' },
      results: { type: 'string' },
      'keep-trash': { type: 'boolean', default: false },
      'no-cooldown': { type: 'boolean', default: false },
    },
    strict: true,
  })
  const phases = list(values.phases, 'p3,p4').map((name): Phase => {
    const phase = findPhase(name)
    if (phase === undefined) throw new Error(`unknown phase ${name} (known: ${PHASES.map((p) => p.short).join(', ')})`)
    return phase
  })
  const tools = list(values.tools, 'skiff,bun,utoo,pnpm,npm').map((name): ToolName => {
    if (!isToolName(name)) throw new Error(`unknown tool ${name}`)
    return name
  })
  const rounds = Number(values.rounds ?? '3')
  const settleMs = Number(values['settle-ms'] ?? '1000')
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, got ${values.rounds}`)
  if (!Number.isFinite(settleMs) || settleMs < 0) throw new Error(`--settle-ms must be a number of milliseconds`)
  return {
    fixtures: list(values.fixtures, 'medium'),
    phases,
    tools,
    rounds,
    settleMs,
    skiff: values.skiff,
    fixturesDir: values['fixtures-dir'] ?? FIXTURES_DIR,
    resultsDir: values.results ?? path.join(BENCH_DIR, 'results'),
    keepTrash: values['keep-trash'],
    cooldown: !values['no-cooldown'],
  }
}

function resolveTools(wanted: ToolName[], skiffExplicit: string | undefined): { tools: ToolCommand[]; notes: string[] } {
  const notes: string[] = []
  const tools: ToolCommand[] = []
  const toolsDir = path.join(BENCH_DIR, '.tools')
  if (wanted.some((name) => name in PEER_PINS)) ensurePeers(toolsDir, [npmCommand().argv[0] ?? 'npm'], log)
  for (const name of wanted) {
    if (name === 'skiff') {
      const skiff = skiffCommand({ repoRoot: REPO_ROOT, explicit: skiffExplicit, bunPath: process.execPath })
      if (skiff === undefined) notes.push('skiff: no SKIFF_BIN, dist/skiff or src/cli/main.ts; not measured')
      else tools.push(skiff)
    } else if (name === 'npm') {
      tools.push(npmCommand())
    } else {
      tools.push(peerCommand(toolsDir, name))
    }
  }
  return { tools, notes }
}

function freeInodes(dir: string): number {
  return Number(Bun.spawnSync(['stat', '-f', '-c', '%d', dir], { stdout: 'pipe' }).stdout.toString().trim())
}

async function waitForCooldown(stampFile: string): Promise<void> {
  if (!fs.existsSync(stampFile)) return
  const stamp: unknown = JSON.parse(fs.readFileSync(stampFile, 'utf8'))
  if (typeof stamp !== 'object' || stamp === null || !('at' in stamp) || !('inodesFreed' in stamp)) return
  if (typeof stamp.at !== 'number' || typeof stamp.inodesFreed !== 'number' || stamp.inodesFreed < COOLDOWN_INODES) return
  const waitMs = stamp.at + COOLDOWN_MS - Date.now()
  if (!(waitMs > 0)) return
  log(`${stamp.inodesFreed} inodes were deleted ${Math.round((COOLDOWN_MS - waitMs) / 1000)} s ago; waiting ${Math.round(waitMs / 1000)} s before timing (--no-cooldown skips)`)
  await Bun.sleep(waitMs)
}

/**
 * Finished trees stay in the trash until the end, as deleting them slows file creation for
 * minutes; a full run over antd keeps ~60 of them (about 1 GB each) and once filled the disk.
 * Below this much free space the trash is emptied before the next timed run, which then waits
 * for the disk to settle.
 */
const LOW_SPACE_BYTES = 15e9

function freeBytes(dir: string): number {
  const stats = fs.statfsSync(dir)
  return stats.bavail * stats.bsize
}

function deleteTrash(dirs: BenchDirs, stampFile: string): void {
  const before = freeInodes(dirs.root)
  emptyTrash(dirs)
  Bun.spawnSync(['sync'])
  fs.writeFileSync(stampFile, JSON.stringify({ at: Date.now(), inodesFreed: freeInodes(dirs.root) - before }) + '\n')
}

function describeCommands(tools: ToolCommand[], phases: Phase[], legacyPeerDeps: boolean): string[] {
  const lines: string[] = []
  for (const tool of tools) {
    for (const phase of phases) {
      const { args, env, thenArgs } = buildCommand({ tool: tool.tool, action: phase.action, cacheDir: '<cache>', legacyPeerDeps })
      const envText = Object.entries(env).map(([key, value]) => `${key}=${value}`).join(' ')
      const then = thenArgs === undefined ? '' : ` && ${tool.tool} ${thenArgs.join(' ')}`
      lines.push(`- ${tool.tool} ${phase.short}: \`${envText} ${tool.tool} ${args.join(' ')}${then}\``)
    }
  }
  return lines
}

function appendResults(resultsDir: string, session: Record<string, unknown>, markdown: string): string {
  fs.mkdirSync(resultsDir, { recursive: true })
  const day = new Date().toISOString().slice(0, 10)
  const jsonFile = path.join(resultsDir, `${day}.json`)
  let sessions: unknown[] = []
  if (fs.existsSync(jsonFile)) {
    const previous: unknown = JSON.parse(fs.readFileSync(jsonFile, 'utf8'))
    if (typeof previous === 'object' && previous !== null && 'sessions' in previous && Array.isArray(previous.sessions)) {
      sessions = previous.sessions
    }
  }
  fs.writeFileSync(jsonFile, JSON.stringify({ sessions: [...sessions, session] }, null, 2) + '\n')
  fs.appendFileSync(path.join(resultsDir, `${day}.md`), markdown + '\n')
  return jsonFile
}

async function main(): Promise<void> {
  const cli = parseCli(process.argv.slice(2))
  const dirs = benchDirs(path.join(BENCH_DIR, '.work'))
  const baseEnv = cleanEnv(process.env, path.join(dirs.root, 'home'))
  const { tools, notes } = resolveTools(cli.tools, cli.skiff ?? process.env.SKIFF_BIN)
  const fixtures = cli.fixtures.map((name) => readFixture(cli.fixturesDir, name))
  const stampFile = path.join(dirs.root, 'trash-deleted-at')
  if (cli.cooldown) await waitForCooldown(stampFile)
  if (fs.readdirSync(dirs.trash).length > 0) notes.push('trash from an earlier session was left in place until the end')
  const startedAt = new Date().toISOString()
  const machineBefore = describeMachine(dirs.root)
  log(`tools: ${tools.map((tool) => `${tool.tool} ${tool.version}`).join(', ')}`)
  const runs: RunRecord[] = []
  let emptiedEarly = false
  const beforeRun = async (): Promise<void> => {
    if (freeBytes(dirs.root) >= LOW_SPACE_BYTES) return
    log(`less than ${LOW_SPACE_BYTES / 1e9} GB free: deleting the trash now`)
    if (!emptiedEarly) notes.push('the disk ran low during the run: the trash was deleted then, and the next timed run waited for the disk to settle')
    emptiedEarly = true
    deleteTrash(dirs, stampFile)
    if (cli.cooldown) await waitForCooldown(stampFile)
  }
  await runSession({ dirs, fixtures, phases: cli.phases, tools, rounds: cli.rounds, settleMs: cli.settleMs, baseEnv, log, onRun: (run) => runs.push(run), onNote: (note) => notes.push(note), beforeRun })
  const counts: StaleCount[] = []
  if (cli.phases.some((phase) => phase.action === 'stale')) {
    for (const fixture of fixtures) {
      for (const tool of tools) {
        log(`counting the registry requests of ${tool.tool}'s stale run on ${fixture.name} (untimed, through a recording proxy)`)
        const prepared = prepareProject({ dirs, fixture, tool, baseEnv, log })
        counts.push(await countStaleRequests({ dirs, fixture, tool, prepared, baseEnv }))
      }
    }
  }
  const finishedAt = new Date().toISOString()

  const sections = [
    `## Bench ${startedAt} (${cli.rounds} round${cli.rounds === 1 ? '' : 's'}, ${machineBefore.cpus} CPUs, ${machineBefore.fileSystem}, load ${machineBefore.loadAverage.join(' ')})`,
    '',
    `Tools: ${tools.map((tool) => `${tool.tool} ${tool.version}`).join(', ')}. Wall time: harness clock around the process; user/sys/RSS: /usr/bin/time -v.`,
    ...notes.map((note) => `Note: ${note}.`),
    '',
  ]
  for (const fixture of fixtures) {
    for (const phase of cli.phases) {
      const mine = runs.filter((run) => run.fixture === fixture.name && run.phase === phase.id)
      const rows = summarize(mine, tools.map((tool) => tool.tool))
      sections.push(renderTable(`${fixture.name} — ${phase.id} (${phase.description})`, rows, mine.filter((run) => !run.ok)))
    }
  }
  if (counts.length > 0) {
    sections.push(
      `### Registry requests of the stale phase (${STALE_PACKAGE.spec} added, then removed; one untimed run each, through a recording proxy; tarballs fetched from their own URLs are not seen)`,
      '',
      renderCounts(counts),
      '',
    )
  }
  sections.push('Commands (each in a fresh copy of its prepared project; `<cache>` is the phase\'s cache folder):', '', ...describeCommands(tools, cli.phases, fixtures.some((f) => f.legacyPeerDeps)), '')
  const markdown = sections.join('\n')
  console.log(markdown)

  const session = {
    startedAt,
    finishedAt,
    machine: { before: machineBefore, after: describeMachine(dirs.root) },
    tools,
    fixtures: fixtures.map((fixture) => fixture.name),
    phases: cli.phases,
    rounds: cli.rounds,
    settleMs: cli.settleMs,
    notes,
    staleRequests: counts,
    commands: Object.fromEntries(
      tools.map((tool) => [tool.tool, Object.fromEntries(cli.phases.map((phase) => [phase.id, buildCommand({ tool: tool.tool, action: phase.action, cacheDir: '<cache>', legacyPeerDeps: false })]))]),
    ),
    runs,
  }
  log(`raw runs appended to ${appendResults(cli.resultsDir, session, markdown)}`)
  if (cli.keepTrash) {
    log(`trash kept in ${dirs.trash}`)
  } else {
    log('deleting the trash')
    deleteTrash(dirs, stampFile)
  }
  if (runs.some((run) => !run.ok)) process.exitCode = 1
}

await main()
