/**
 * Runs the git executable, with no terminal prompt (an unreachable private repository fails
 * instead of waiting for a password nobody types) and with the caller's environment, which
 * carries the user's ssh agent and credential helpers. A missing git is ENOGIT; a git that
 * fails is EGIT with its last lines of stderr.
 */
import { SkiffError } from '../error/index.ts'

export interface GitEnv {
  /** the environment git runs with (PATH finds git) */
  env: Record<string, string | undefined>
  signal?: AbortSignal
}

export interface GitFailure {
  /** what was being done, for the message: `git ls-remote git+file:///r.git` */
  doing: string
  pkg: string
  hint?: string
}

export async function runGit(args: string[], options: GitEnv & { cwd?: string }, failure: GitFailure): Promise<string> {
  const git = Bun.which('git', { PATH: options.env.PATH ?? '' })
  if (git === null) {
    throw new SkiffError('ENOGIT', `${failure.pkg}: git dependencies need git, and no git executable is on PATH`, {
      pkg: failure.pkg,
      hint: 'install git (https://git-scm.com), or depend on a registry version of this package',
    })
  }
  // as @npmcli/git runs it: replace objects ignored, a new ssh host accepted (a known one that
  // changed still fails), unless the user set their own ssh command
  const ssh = options.env.GIT_SSH_COMMAND === undefined && options.env.GIT_SSH === undefined ? { GIT_SSH_COMMAND: 'ssh -oStrictHostKeyChecking=accept-new' } : {}
  const child = Bun.spawn([git, '--no-replace-objects', ...args], {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: { ...options.env, ...ssh, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'echo', LC_ALL: 'C' },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  })
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  if (code === 0) return stdout
  const lines = stderr.split('\n').map((line) => line.trim()).filter((line) => line !== '')
  // git's own reason is its first fatal/error line; what follows is advice
  const reason = lines.find((line) => /^(?:fatal|error):/.test(line)) ?? lines.at(-1)
  throw new SkiffError('EGIT', `${failure.pkg}: ${failure.doing} failed (exit ${code})${reason === undefined ? '' : `: ${reason}`}`, {
    pkg: failure.pkg,
    lines: lines.filter((line) => line !== reason).slice(-5),
    ...(failure.hint === undefined ? {} : { hint: failure.hint }),
  })
}
