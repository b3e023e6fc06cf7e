/**
 * Runs the system npm in a project folder with nothing of this machine's npm setup: HOME, the
 * user and global config files and the cache are fresh temp paths, and no npm_config_*
 * variable is passed on (a user .npmrc with omit-lockfile-registry-resolved would otherwise
 * change the lockfile). Async on purpose: the fixture registry answers from this process.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export interface NpmRun {
  code: number
  stdout: string
  stderr: string
}

export const NPM_INSTALL_ARGS = ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--no-update-notifier']

export async function runNpmInstall(options: { cwd: string; registryUrl: string; args: readonly string[] }): Promise<NpmRun> {
  const npm = Bun.which('npm')
  if (npm === null) throw new Error('npm is not on PATH')
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-npm-home-'))
  try {
    const userconfig = path.join(home, 'user.npmrc')
    const globalconfig = path.join(home, 'global.npmrc')
    fs.writeFileSync(userconfig, '')
    fs.writeFileSync(globalconfig, '')
    const argv = [
      npm, ...NPM_INSTALL_ARGS,
      '--userconfig', userconfig, '--globalconfig', globalconfig,
      '--cache', path.join(home, 'cache'), '--registry', options.registryUrl,
      ...options.args,
    ]
    const child = Bun.spawn(argv, {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', HOME: home, TMPDIR: home },
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const [stdout, stderr, code] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ])
    return { code, stdout, stderr }
  } finally {
    fs.rmSync(home, { recursive: true, force: true })
  }
}

const ERROR_PREFIX = /^npm error ?/
/** Lines that point at files of one run (log, ERESOLVE report): where npm's summary ends. */
const RUN_FILE_LINE = /^npm error (For a full report see:|A complete log of this run can be found in)/

/**
 * npm's failure as the corpus stores it: the code from `npm error code X` and the `npm error`
 * lines after it, up to the pointers at the run's log files, with trailing blank lines dropped.
 */
export function npmErrorSummary(stderr: string): { code: string; summary: string[] } | undefined {
  const lines = stderr.split('\n')
  const start = lines.findIndex((line) => /^npm error code \S+$/.test(line))
  if (start === -1) return undefined
  const code = (lines[start] ?? '').slice('npm error code '.length)
  const summary: string[] = []
  for (const line of lines.slice(start + 1)) {
    if (!ERROR_PREFIX.test(line) || RUN_FILE_LINE.test(line)) break
    summary.push(line.replace(ERROR_PREFIX, ''))
  }
  while (summary.at(-1) === '') summary.pop()
  return { code, summary }
}
