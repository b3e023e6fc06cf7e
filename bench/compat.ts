/**
 * Does skiff build what npm builds? Run by hand, against the real registry.
 *
 *   bun bench/compat.ts [--fixtures small,medium,antd] [--skiff "<command>"] [--keep]
 *     For each fixture, two fresh copies with the fixture's package-lock.json; `npm ci` in one
 *     and `skiff ci` in the other (scripts off, each with a fresh cache), at the same time;
 *     then the two node_modules trees are compared file by file (compare-trees.ts), ignoring
 *     only the bytes of node_modules/.package-lock.json. skiff must leave package-lock.json as is.
 *     Where `npm ci` refuses the lockfile as out of sync with package.json although npm wrote
 *     it (the antd fixture), `npm install` from the same lockfile is the oracle instead.
 *
 *   bun bench/compat.ts --lock-only [--fixtures ...]
 *     Two fresh copies without a lockfile; `npm install --package-lock-only` and
 *     `skiff install --package-lock-only` at the same moment (so both see the same registry),
 *     then the two package-lock.json files are compared entry by entry.
 *
 * Exits 1 if anything differs or a command fails. The copies are kept when they differ.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { compareLockfiles, describeLockDifference } from './compare-lockfiles.ts'
import { compareTrees, countByKind, describeDifference } from './compare-trees.ts'
import { cleanEnv } from './environment.ts'
import { tail } from './measure.ts'
import { buildCommand, type Action } from './phases.ts'
import { benchDirs, FIXTURES_DIR, readFixture, type Fixture } from './projects.ts'
import { npmCommand, skiffCommand, type ToolCommand } from './tools.ts'

const BENCH_DIR = import.meta.dir
const SHOWN = 30

interface Side {
  tool: ToolCommand
  projectDir: string
  exitCode: number
  stderr: string
  stderrTail: string
}

async function runSide(tool: ToolCommand, root: string, fixture: Fixture, action: Action, baseEnv: Record<string, string>): Promise<Side> {
  const projectDir = path.join(root, tool.tool)
  const cacheDir = path.join(root, `${tool.tool}-cache`)
  fs.mkdirSync(projectDir, { recursive: true })
  const files = action === 'resolve' ? ['package.json', '.npmrc'] : ['package.json', 'package-lock.json', '.npmrc']
  for (const name of files) {
    const source = path.join(fixture.dir, name)
    if (fs.existsSync(source)) fs.writeFileSync(path.join(projectDir, name), fs.readFileSync(source))
  }
  const { args, env } = buildCommand({ tool: tool.tool, action, cacheDir, legacyPeerDeps: fixture.legacyPeerDeps })
  const child = Bun.spawn([...tool.argv, ...args], {
    cwd: projectDir,
    env: { ...baseEnv, ...env },
    stdin: 'ignore',
    stdout: Bun.file(path.join(root, `${tool.tool}.stdout.txt`)),
    stderr: 'pipe',
  })
  const [exitCode, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()])
  fs.writeFileSync(path.join(root, `${tool.tool}.stderr.txt`), stderr)
  return { tool, projectDir, exitCode, stderr, stderrTail: tail(stderr, 15) }
}

/** Lines describing what differs (empty when nothing does). */
function compareInstalls(npm: Side, skiff: Side, fixture: Fixture): string[] {
  const differences = compareTrees(path.join(npm.projectDir, 'node_modules'), path.join(skiff.projectDir, 'node_modules'), {
    ignoreContent: new Set(['.package-lock.json']),
  })
  const lines: string[] = []
  const lockAfter = fs.readFileSync(path.join(skiff.projectDir, 'package-lock.json'))
  if (!lockAfter.equals(fs.readFileSync(path.join(fixture.dir, 'package-lock.json')))) lines.push('skiff changed package-lock.json')
  if (differences.length === 0) return lines
  const counts = Object.entries(countByKind(differences)).filter(([, count]) => count > 0)
  lines.push(`${differences.length} differing entries: ${counts.map(([kind, count]) => `${kind} ${count}`).join(', ')}`)
  lines.push(...differences.slice(0, SHOWN).map((difference) => `  ${describeDifference(difference, 'npm', 'skiff')}`))
  return lines
}

function compareResolves(npm: Side, skiff: Side): string[] {
  const read = (side: Side): string => fs.readFileSync(path.join(side.projectDir, 'package-lock.json'), 'utf8')
  const { identical, differences } = compareLockfiles(read(npm), read(skiff))
  if (identical) return []
  const counts = new Map<string, number>()
  for (const difference of differences) counts.set(difference.kind, (counts.get(difference.kind) ?? 0) + 1)
  return [
    `${differences.length} differing entries: ${[...counts].map(([kind, count]) => `${kind} ${count}`).join(', ')}`,
    ...differences.slice(0, SHOWN).map((difference) => `  ${describeLockDifference(difference, 'npm', 'skiff')}`),
  ]
}

async function checkFixture(options: { fixture: Fixture; tools: [ToolCommand, ToolCommand]; lockOnly: boolean; root: string; baseEnv: Record<string, string> }): Promise<string[]> {
  const { fixture, tools, lockOnly, root, baseEnv } = options
  const action: Action = lockOnly ? 'resolve' : 'install-locked'
  let [npm, skiff] = await Promise.all(tools.map((tool) => runSide(tool, root, fixture, action, baseEnv)))
  if (npm === undefined || skiff === undefined) return ['internal: a side did not run']
  if (!lockOnly && npm.exitCode !== 0 && npm.stderr.includes('are in sync')) {
    // npm ci rejects some lockfiles npm install itself wrote (antd: optional platform packages it
    // could not fetch); the oracle is then `npm install` from the same lockfile
    console.log('   npm ci refused the lockfile as out of sync; comparing with `npm install` from it instead')
    npm = await runSide(tools[0], path.join(root, 'npm-install'), fixture, 'install-fresh', baseEnv)
  }
  const failed = [npm, skiff].filter((side) => side.exitCode !== 0)
  if (failed.length > 0) {
    return failed.flatMap((side) => [`${side.tool.tool} exited ${side.exitCode}:`, ...side.stderrTail.split('\n').map((line) => `  ${line}`)])
  }
  return lockOnly ? compareResolves(npm, skiff) : compareInstalls(npm, skiff, fixture)
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      fixtures: { type: 'string', default: 'small,medium,antd' },
      'lock-only': { type: 'boolean', default: false },
      skiff: { type: 'string' },
      'fixtures-dir': { type: 'string', default: FIXTURES_DIR },
      keep: { type: 'boolean', default: false },
    },
    strict: true,
  })
  const skiff = skiffCommand({ repoRoot: path.dirname(BENCH_DIR), explicit: values.skiff ?? process.env.SKIFF_BIN, bunPath: process.execPath })
  if (skiff === undefined) throw new Error('skiff not found: set SKIFF_BIN or --skiff, or build dist/skiff')
  const tools: [ToolCommand, ToolCommand] = [npmCommand(), skiff]
  const dirs = benchDirs(path.join(BENCH_DIR, '.work'))
  const baseEnv = cleanEnv(process.env, path.join(dirs.root, 'home'))
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const mode = values['lock-only'] ? 'lock-only' : 'ci'
  let differing = 0
  for (const name of values.fixtures.split(',').filter((item) => item !== '')) {
    const fixture = readFixture(values['fixtures-dir'], name)
    const root = path.join(dirs.root, 'compat', `${stamp}-${mode}-${name}`)
    console.log(`== ${name} (${mode}): ${tools.map((tool) => `${tool.tool} ${tool.version}`).join(' vs ')}`)
    const lines = await checkFixture({ fixture, tools, lockOnly: values['lock-only'], root, baseEnv })
    if (lines.length === 0) console.log('   identical')
    else console.log(lines.map((line) => `   ${line}`).join('\n'))
    if (lines.length > 0 || values.keep) {
      differing += lines.length > 0 ? 1 : 0
      console.log(`   copies kept in ${root}`)
    } else {
      fs.rmSync(root, { recursive: true, force: true })
    }
  }
  if (differing > 0) process.exitCode = 1
}

await main()
