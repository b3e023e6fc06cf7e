/**
 * The tools under comparison and where their executables come from.
 *
 * Peers are pinned in PEER_PINS and installed once with the system npm into bench/.tools/.
 * Each peer is run through its native executable (the file its npm launcher would exec), so
 * no Node.js start-up is timed for any of them. npm is the system one. skiff is a command
 * given by the caller (SKIFF_BIN / --skiff) or found in the repository.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export type ToolName = 'skiff' | 'bun' | 'utoo' | 'pnpm' | 'npm'

export const TOOL_NAMES: readonly ToolName[] = ['skiff', 'bun', 'utoo', 'pnpm', 'npm']

/** npm packages installed into bench/.tools/, exact versions. */
export const PEER_PINS = {
  bun: '1.4.5',
  utoo: '1.1.9',
  pnpm: '12.4.2',
} as const satisfies Partial<Record<ToolName, string>>

/** The native executable inside each peer's platform package (linux-x64), then its fallbacks. */
const PEER_EXECUTABLES: Record<keyof typeof PEER_PINS, string[]> = {
  bun: ['node_modules/@oven/bun-linux-x64/bin/bun', 'node_modules/bun/bin/bun.exe'],
  utoo: ['node_modules/@utoo/utoo-linux-x64/bin/utoo'],
  pnpm: ['node_modules/@pnpm/exe.linux-x64/pnpm', 'node_modules/pnpm/pnpm'],
}

/** How a tool is started: the argv prefix to which the phase arguments are appended. */
export interface ToolCommand {
  tool: ToolName
  argv: string[]
  version: string
}

export function isToolName(value: string): value is ToolName {
  return (TOOL_NAMES as readonly string[]).includes(value)
}

function isElf(file: string): boolean {
  try {
    const fd = fs.openSync(file, 'r')
    const head = Buffer.alloc(4)
    fs.readSync(fd, head, 0, 4, 0)
    fs.closeSync(fd)
    return head.toString('latin1') === '\x7fELF'
  } catch {
    return false
  }
}

function installedVersion(toolsDir: string, name: string): string | undefined {
  try {
    const manifest: unknown = JSON.parse(fs.readFileSync(path.join(toolsDir, 'node_modules', name, 'package.json'), 'utf8'))
    if (typeof manifest === 'object' && manifest !== null && 'version' in manifest && typeof manifest.version === 'string') {
      return manifest.version
    }
  } catch {
    return undefined
  }
  return undefined
}

/**
 * Installs the pinned peers into toolsDir unless they are there already. The install scripts of
 * bun and pnpm only move their native binary next to the launcher; they are allowed by name in
 * the tools' package.json (npm on this machine refuses unapproved scripts otherwise), and the
 * binaries are taken from the platform packages, which work whether or not those scripts ran.
 */
export function ensurePeers(toolsDir: string, npmArgv: string[], log: (line: string) => void): void {
  const missing = Object.entries(PEER_PINS).filter(([name, version]) => installedVersion(toolsDir, name) !== version)
  if (missing.length === 0) return
  fs.mkdirSync(toolsDir, { recursive: true })
  const manifest = {
    name: 'skiff-bench-tools',
    private: true,
    dependencies: PEER_PINS,
    allowScripts: Object.fromEntries(Object.keys(PEER_PINS).map((name) => [name, true])),
  }
  fs.writeFileSync(path.join(toolsDir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n')
  log(`installing peers into ${toolsDir}: ${Object.entries(PEER_PINS).map(([n, v]) => `${n}@${v}`).join(' ')}`)
  const result = Bun.spawnSync([...npmArgv, 'install', '--no-audit', '--no-fund', '--save-exact'], {
    cwd: toolsDir,
    stdout: 'pipe',
    stderr: 'pipe',
  })
  if (result.exitCode !== 0) {
    throw new Error(`npm install of the peers failed (exit ${result.exitCode}):\n${result.stderr.toString().slice(-2000)}`)
  }
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim() ?? ''
}

/**
 * Runs `<argv> --version` in a neutral folder (pnpm refuses to run inside a project whose
 * packageManager names another tool) and returns its first line, or undefined when it fails.
 */
export function probeVersion(argv: string[]): string | undefined {
  try {
    const result = Bun.spawnSync([...argv, '--version'], { cwd: os.tmpdir(), stdout: 'pipe', stderr: 'pipe', timeout: 30_000 })
    if (result.exitCode !== 0) return undefined
    return firstLine(result.stdout.toString()) || undefined
  } catch {
    return undefined
  }
}

/** The native executable of a pinned peer, checked to run and to report the pinned version. */
export function peerCommand(toolsDir: string, tool: keyof typeof PEER_PINS): ToolCommand {
  const candidates = PEER_EXECUTABLES[tool].map((rel) => path.join(toolsDir, rel))
  const executable = candidates.find(isElf)
  if (executable === undefined) {
    throw new Error(`${tool}@${PEER_PINS[tool]}: no native executable in ${candidates.join(', ')}`)
  }
  const version = probeVersion([executable])
  if (version === undefined) throw new Error(`${tool}: ${executable} --version does not run`)
  if (!version.includes(PEER_PINS[tool])) {
    throw new Error(`${tool}: ${executable} reports ${version}, pinned ${PEER_PINS[tool]}`)
  }
  return { tool, argv: [executable], version: PEER_PINS[tool] }
}

/** The system npm (whatever `npm` is on PATH). */
export function npmCommand(): ToolCommand {
  const executable = Bun.which('npm')
  if (executable === null) throw new Error('npm is not on PATH')
  const version = probeVersion([executable])
  if (version === undefined) throw new Error(`${executable} --version does not run`)
  return { tool: 'npm', argv: [executable], version }
}

/**
 * skiff as a command: an explicit command line (space-separated, from SKIFF_BIN or --skiff),
 * else the built binary dist/skiff, else `bun src/cli/main.ts`. Undefined when none exists.
 */
export function skiffCommand(options: { repoRoot: string; explicit: string | undefined; bunPath: string }): ToolCommand | undefined {
  const argv = findSkiffArgv(options)
  if (argv === undefined) return undefined
  return { tool: 'skiff', argv, version: probeVersion(argv) ?? 'unknown' }
}

function findSkiffArgv({ repoRoot, explicit, bunPath }: { repoRoot: string; explicit: string | undefined; bunPath: string }): string[] | undefined {
  if (explicit !== undefined && explicit.trim() !== '') return explicit.trim().split(/\s+/)
  const binary = path.join(repoRoot, 'dist', 'skiff')
  if (fs.existsSync(binary)) return [binary]
  const entry = path.join(repoRoot, 'src', 'cli', 'main.ts')
  if (fs.existsSync(entry)) return [bunPath, entry]
  return undefined
}
