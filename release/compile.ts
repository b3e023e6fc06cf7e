/**
 * One `Bun.build({ compile })` of skiff for one target. Cross targets fetch Bun's runtime for
 * that platform from the npm registry.
 *
 * The executable must not read the .env or bunfig.toml of the project it runs in.
 */
import path from 'node:path'
import packageJson from '../package.json' with { type: 'json' }
import type { Target } from './targets.ts'

const repoRoot = path.resolve(import.meta.dir, '..')

/**
 * Files run as Bun Workers must be entrypoints of the compiled build, named flat so they sit
 * beside the main bundle (src/tarball/README.md, src/link/README.md).
 */
const ENTRYPOINTS = ['src/cli/main.ts', 'src/tarball/extract-worker.ts', 'src/link/link-worker.ts', 'src/install/packument-worker.ts', 'src/install/tree-check-worker.ts']

/** Builds the executable at `outfile`; resolves to the reason when it could not be built. */
export async function compileSkiff(target: Target, outfile: string): Promise<string | undefined> {
  try {
    const result = await Bun.build({
      entrypoints: ENTRYPOINTS.map((file) => path.join(repoRoot, file)),
      // An install runs most of its code a few thousand times at most, which the JIT would
      // compile without paying it back: tier-up thresholds x8 (skiff ci, medium warm: JIT
      // threads 26-32 ms -> 9 ms of CPU, the whole run 20% less CPU; antd warm: 30% less JIT).
      compile: { target: target.bun, outfile, autoloadDotenv: false, autoloadBunfig: false, jitPolicy: 8 },
      format: 'esm',
      // each command's modules in chunks of their own, loaded when that command runs: `skiff
      // --version` loads 30% less CPU's worth of code (53 vs 70 ms, compiled, 20 runs each)
      splitting: true,
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
