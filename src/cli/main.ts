#!/usr/bin/env bun
/**
 * The skiff executable. `--version` answers before anything else loads; every command module
 * is imported only when it runs, so `--help` and `--version` start fast.
 */
import { version } from './version.ts'

const rawArgs = process.argv.slice(2)

if (rawArgs.length === 1 && (rawArgs[0] === '--version' || rawArgs[0] === '-v' || rawArgs[0] === '-V')) {
  process.stdout.write(`${version}\n`)
} else {
  const { runCli } = await import('./run-cli.ts')
  process.exitCode = await runCli(rawArgs)
}
