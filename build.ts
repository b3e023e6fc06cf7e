/**
 * Builds the skiff executable: `bun build.ts` for this machine (dist/skiff), `bun build.ts
 * --all` (or `--target linux-arm64,darwin-arm64`) for other platforms as dist/skiff-<target>.
 * Cross targets fetch Bun's runtime for that platform from the npm registry; a target that
 * cannot be built is reported with the reason, and the build goes on with the others.
 *
 * The executable must not read the .env or bunfig.toml of the project it runs in.
 */
import packageJson from './package.json' with { type: 'json' }

const targets: Record<string, Bun.Build.CompileTarget> = {
  'linux-x64': 'bun-linux-x64',
  'linux-arm64': 'bun-linux-arm64',
  'linux-x64-musl': 'bun-linux-x64-musl',
  'linux-arm64-musl': 'bun-linux-arm64-musl',
  'darwin-x64': 'bun-darwin-x64',
  'darwin-arm64': 'bun-darwin-arm64',
  'windows-x64': 'bun-windows-x64',
}

/**
 * Files run as Bun Workers must be entrypoints of the compiled build, named flat so they sit
 * beside the main bundle (src/tarball/README.md, src/link/README.md).
 */
const workerEntrypoints = ['./src/tarball/extract-worker.ts', './src/link/link-worker.ts', './src/install/packument-worker.ts']

function hostTarget(): string {
  const libc = process.platform === 'linux' && isMusl() ? '-musl' : ''
  return `${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}${libc}`
}

function isMusl(): boolean {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined
  return report?.header?.glibcVersionRuntime === undefined
}

async function build(name: string, outfile: string): Promise<string | undefined> {
  const target = targets[name]
  if (!target) return `unknown target (known: ${Object.keys(targets).join(', ')})`
  try {
    const result = await Bun.build({
      entrypoints: ['./src/cli/main.ts', ...workerEntrypoints],
      // An install runs most of its code a few thousand times at most, which the JIT would
      // compile without paying it back: tier-up thresholds x8 (skiff ci, medium warm: JIT
      // threads 26-32 ms -> 9 ms of CPU, the whole run 20% less CPU; antd warm: 30% less JIT).
      compile: { target, outfile, autoloadDotenv: false, autoloadBunfig: false, jitPolicy: 8 },
      format: 'esm',
      naming: { entry: '[name].[ext]' },
      minify: true,
      bytecode: true,
      define: { 'process.env.SKIFF_BUILD': JSON.stringify(packageJson.version) },
    })
    if (!result.success) return result.logs.map(String).join('\n')
    return undefined
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

const args = process.argv.slice(2)
const targetArg = args.find((arg) => arg.startsWith('--target'))
const wanted = args.includes('--all')
  ? Object.keys(targets)
  : targetArg
    ? (targetArg.split('=')[1] ?? args[args.indexOf(targetArg) + 1] ?? '').split(',')
    : [hostTarget()]

const host = hostTarget()
const failed: string[] = []
for (const name of wanted) {
  const outfile = name === host && !args.includes('--all') ? 'dist/skiff' : `dist/skiff-${name}${name.startsWith('windows') ? '.exe' : ''}`
  const started = performance.now()
  const problem = await build(name, outfile)
  if (problem) {
    failed.push(name)
    console.error(`skiff ${packageJson.version} for ${name}: not built: ${problem}`)
    continue
  }
  console.log(`skiff ${packageJson.version} for ${name}: ${outfile} (${Math.round(performance.now() - started)} ms)`)
}
if (failed.length > 0) process.exitCode = 1
