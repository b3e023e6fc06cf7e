/**
 * The platforms skiff is built for: every target `bun build --compile` supports. One row each:
 * the name used in file and package names, Bun's compile target, and the os / cpu / libc
 * values npm matches a platform package against.
 */
export interface Target {
  /** `linux-x64-musl`: archive `skiff-<name>.tar.gz`, npm package `@skiff/<name>` */
  name: string
  bun: Bun.Build.CompileTarget
  os: 'linux' | 'darwin' | 'win32'
  cpu: 'x64' | 'arm64'
  libc?: 'glibc' | 'musl'
  /** the executable's file name */
  exe: string
}

export const TARGETS: readonly Target[] = [
  { name: 'linux-x64', bun: 'bun-linux-x64', os: 'linux', cpu: 'x64', libc: 'glibc', exe: 'skiff' },
  { name: 'linux-arm64', bun: 'bun-linux-arm64', os: 'linux', cpu: 'arm64', libc: 'glibc', exe: 'skiff' },
  { name: 'linux-x64-musl', bun: 'bun-linux-x64-musl', os: 'linux', cpu: 'x64', libc: 'musl', exe: 'skiff' },
  { name: 'linux-arm64-musl', bun: 'bun-linux-arm64-musl', os: 'linux', cpu: 'arm64', libc: 'musl', exe: 'skiff' },
  { name: 'darwin-x64', bun: 'bun-darwin-x64', os: 'darwin', cpu: 'x64', exe: 'skiff' },
  { name: 'darwin-arm64', bun: 'bun-darwin-arm64', os: 'darwin', cpu: 'arm64', exe: 'skiff' },
  { name: 'windows-x64', bun: 'bun-windows-x64', os: 'win32', cpu: 'x64', exe: 'skiff.exe' },
]

export function targetNamed(name: string): Target | undefined {
  return TARGETS.find((target) => target.name === name)
}

/** This machine's target name (`linux-x64`, `linux-x64-musl`, `darwin-arm64`, ...). */
export function hostTargetName(): string {
  const os = process.platform === 'win32' ? 'windows' : process.platform
  return `${os}-${process.arch}${process.platform === 'linux' && isMusl() ? '-musl' : ''}`
}

function isMusl(): boolean {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined
  return report?.header?.glibcVersionRuntime === undefined
}
