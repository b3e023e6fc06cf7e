/**
 * Records what npm writes when it installs the repository of git-repos.ts: for each case in
 * GIT_CASES, `npm install <spec>` in an empty project (hermetic HOME and cache), then the saved
 * package.json, the lockfile and the installed package's files with their modes, stored in
 * git-npm/<case>.json with the repository's path replaced by REPO.
 *
 *   bun test/install/record-git-locks.ts
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { filesWithModes, gitEnv, makeGitRepo } from './git-repos.ts'

export const GIT_NPM_DIR = path.join(import.meta.dir, 'git-npm')
export const REPO = 'REPO'

/** case name → the spec after `git+file://<repo>` */
export const GIT_CASES: Record<string, string> = {
  'no-committish': '',
  sha: '#3befeacd30a17522551fd7a233f918af9fbb3985',
  branch: '#dev',
  'semver-range': '#semver:^1',
  'files-field': '#files',
}

export interface NpmGitRecord {
  spec: string
  packageJson: string
  lockfile: string
  files: string[]
}

if (import.meta.main) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-git-record-'))
  try {
    const repo = makeGitRepo(root)
    fs.mkdirSync(GIT_NPM_DIR, { recursive: true })
    for (const [name, suffix] of Object.entries(GIT_CASES)) {
      const project = path.join(root, name)
      fs.mkdirSync(project)
      fs.writeFileSync(path.join(project, 'package.json'), `${JSON.stringify({ name: 'app', version: '1.0.0' }, null, 2)}\n`)
      const spec = `git+file://${repo}${suffix}`
      const env = { ...gitEnv(path.join(root, 'home')), npm_config_cache: path.join(root, 'npm-cache') }
      const run = Bun.spawnSync(['npm', 'install', '--no-audit', '--no-fund', spec], { cwd: project, env, stdout: 'pipe', stderr: 'pipe' })
      if (run.exitCode !== 0) throw new Error(`npm install ${spec}: ${run.stderr.toString()}`)
      const read = (file: string) => fs.readFileSync(path.join(project, file), 'utf8').split(repo).join(REPO)
      const record: NpmGitRecord = {
        spec: `git+file://${REPO}${suffix}`,
        packageJson: read('package.json'),
        lockfile: read('package-lock.json'),
        files: filesWithModes(path.join(project, 'node_modules/gitpkg')),
      }
      fs.writeFileSync(path.join(GIT_NPM_DIR, `${name}.json`), `${JSON.stringify(record, null, 2)}\n`)
      console.log(`${name}: ${record.files.length} files`)
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true })
  }
}
