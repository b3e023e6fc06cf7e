#!/usr/bin/env node
'use strict'
// The `skiff` command of the npm package: runs the executable from the platform package
// (@skiff/<os>-<cpu>[-musl]) that npm installed as an optional dependency, as esbuild and
// biome do. Plain CommonJS, so any Node.js that npm runs on can start it.
const { spawnSync } = require('child_process')

/** @skiff/<target> and its executable's file name for a platform, cpu and C library. */
function platformPackage(platform, arch, musl) {
  const os = platform === 'win32' ? 'windows' : platform
  return {
    name: `@skiff/${os}-${arch}${platform === 'linux' && musl ? '-musl' : ''}`,
    exe: platform === 'win32' ? 'skiff.exe' : 'skiff',
  }
}

function isMusl() {
  if (process.platform !== 'linux') return false
  const report = process.report && process.report.getReport()
  return !(report && report.header && report.header.glibcVersionRuntime)
}

function main() {
  const pkg = platformPackage(process.platform, process.arch, isMusl())
  let executable
  try {
    executable = require.resolve(`${pkg.name}/bin/${pkg.exe}`)
  } catch {
    process.stderr.write(
      `skiff: ${pkg.name}, the package that holds skiff for this platform (${process.platform} ${process.arch}), is not installed.\n` +
        '  npm leaves it out when optional dependencies are omitted (--omit=optional, --no-optional): install skiff again without that,\n' +
        '  or download the executable for this platform from the release page (install.sh).\n',
    )
    return 1
  }
  const result = spawnSync(executable, process.argv.slice(2), { stdio: 'inherit' })
  if (result.error) {
    process.stderr.write(`skiff: could not start ${executable}: ${result.error.message}\n`)
    return 1
  }
  if (result.signal) {
    process.kill(process.pid, result.signal)
    return 1
  }
  return result.status === null ? 1 : result.status
}

if (require.main === module) process.exitCode = main()

module.exports = { platformPackage }
