/**
 * Builds the skiff executable (release/README.md has the whole picture):
 *
 *   bun build.ts                         dist/skiff, for this machine
 *   bun build.ts --all                   dist/skiff-<target> for every target Bun supports
 *   bun build.ts --target a,b            dist/skiff-<target> for those (`host`: this machine's)
 *   bun build.ts --release [--target ..] dist/release: an archive per target, install.sh, SHA256SUMS
 *   bun build.ts --npm [--target ..]     dist/npm: the skiff package and one package per target
 *
 * --release and --npm build every target unless --target names some. Cross targets fetch Bun's
 * runtime for that platform from the npm registry; a target that cannot be built is reported
 * with the reason, and the build goes on with the others.
 */
import fs from 'node:fs'
import path from 'node:path'
import packageJson from './package.json' with { type: 'json' }
import {
  compileSkiff,
  hostTargetName,
  npmPackageName,
  targetNamed,
  TARGETS,
  writeChecksums,
  writeMainPackage,
  writePlatformPackage,
  writeReleaseArchive,
  type Target,
} from './release/index.ts'

const args = process.argv.slice(2)
const release = args.includes('--release')
const npm = args.includes('--npm')
const targetArg = args.find((arg) => arg.startsWith('--target'))
const named = targetArg === undefined
  ? undefined
  : (targetArg.split('=')[1] ?? args[args.indexOf(targetArg) + 1] ?? '').split(',').filter(Boolean).map((name) => (name === 'host' ? hostTargetName() : name))
const wanted = named ?? (args.includes('--all') || release || npm ? TARGETS.map((target) => target.name) : [hostTargetName()])
// the plain build for this machine is dist/skiff; every other build names its target
const plainHost = named === undefined && !args.includes('--all') && !release && !npm

const failed: string[] = []
const built: Array<{ target: Target; executable: string }> = []
for (const name of wanted) {
  const target = targetNamed(name)
  if (!target) {
    failed.push(name)
    console.error(`skiff ${packageJson.version} for ${name}: unknown target (known: ${TARGETS.map((known) => known.name).join(', ')})`)
    continue
  }
  const executable = plainHost ? 'dist/skiff' : `dist/skiff-${name}${target.os === 'win32' ? '.exe' : ''}`
  const started = performance.now()
  const problem = await compileSkiff(target, executable)
  if (problem) {
    failed.push(name)
    console.error(`skiff ${packageJson.version} for ${name}: not built: ${problem}`)
    continue
  }
  built.push({ target, executable })
  console.log(`skiff ${packageJson.version} for ${name}: ${executable} (${Math.round(performance.now() - started)} ms)`)
}

if (release) {
  const releaseDir = 'dist/release'
  fs.rmSync(releaseDir, { recursive: true, force: true })
  fs.mkdirSync(releaseDir, { recursive: true })
  for (const { target, executable } of built) {
    const archive = await writeReleaseArchive(target, executable, releaseDir)
    console.log(`${archive}: ${megabytes(fs.statSync(archive).size)}`)
  }
  fs.copyFileSync('release/install.sh', path.join(releaseDir, 'install.sh'))
  console.log(`${await writeChecksums(releaseDir)}: ${fs.readdirSync(releaseDir).length - 1} files`)
}

if (npm) {
  const npmDir = 'dist/npm'
  fs.rmSync(npmDir, { recursive: true, force: true })
  for (const { target, executable } of built) console.log(`${writePlatformPackage(target, executable, npmDir)}: ${npmPackageName(target)}@${packageJson.version}`)
  console.log(`${writeMainPackage(built.map((entry) => entry.target), npmDir)}: skiff@${packageJson.version}`)
}

if (failed.length > 0) process.exitCode = 1

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`
}
