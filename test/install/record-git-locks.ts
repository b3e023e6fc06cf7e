/**
 * Records what npm writes when it installs the repositories of git-repos.ts: for each case in
 * GIT_CASES, `npm install <spec>` in an empty project (hermetic HOME and cache), then the saved
 * package.json, the lockfile and the installed package's files with their modes, stored in
 * git-npm/<case>.json with the repository's path replaced by REPO.
 *
 *   bun test/install/record-git-locks.ts
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { filesWithModes, gitEnv, makeBundlerRepo, makeGitRepo } from './git-repos.ts'

export const GIT_NPM_DIR = path.join(import.meta.dir, 'git-npm')
export const REPO = 'REPO'

/** case name → the repository, the spec after `git+file://<repo>`, the folder installed */
export const GIT_CASES: Record<string, { repo: 'gitpkg' | 'bundler'; suffix: string; folder: string }> = {
  'no-committish': { repo: 'gitpkg', suffix: '', folder: 'gitpkg' },
  sha: { repo: 'gitpkg', suffix: '#3befeacd30a17522551fd7a233f918af9fbb3985', folder: 'gitpkg' },
  branch: { repo: 'gitpkg', suffix: '#dev', folder: 'gitpkg' },
  'semver-range': { repo: 'gitpkg', suffix: '#semver:^1', folder: 'gitpkg' },
  'files-field': { repo: 'gitpkg', suffix: '#files', folder: 'gitpkg' },
  'bundle-dependencies': { repo: 'bundler', suffix: '', folder: 'bundler' },
}

/** Makes the repositories of GIT_CASES under `dir`. */
export function makeCaseRepos(dir: string): Record<'gitpkg' | 'bundler', string> {
  return { gitpkg: makeGitRepo(dir), bundler: makeBundlerRepo(dir) }
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
    const repos = makeCaseRepos(root)
    fs.mkdirSync(GIT_NPM_DIR, { recursive: true })
    for (const [name, { repo: repoName, suffix, folder }] of Object.entries(GIT_CASES)) {
      const repo = repos[repoName]
      const project = path.join(root, name)
      fs.mkdirSync(project)
      fs.writeFileSync(path.join(project, 'package.json'), `${JSON.stringify({ name: 'app', version: '1.0.0' }, null, 2)}\n`)
      const spec = `git+file://${repo}${suffix}`
      // nothing comes from a registry (bundled dependencies are in the package): none is reachable
      const env = { ...gitEnv(path.join(root, 'home')), npm_config_cache: path.join(root, 'npm-cache'), npm_config_registry: 'http://127.0.0.1:9/' }
      const run = Bun.spawnSync(['npm', 'install', '--no-audit', '--no-fund', spec], { cwd: project, env, stdout: 'pipe', stderr: 'pipe' })
      if (run.exitCode !== 0) throw new Error(`npm install ${spec}: ${run.stderr.toString()}`)
      const read = (file: string) => fs.readFileSync(path.join(project, file), 'utf8').split(repo).join(REPO)
      const record: NpmGitRecord = {
        spec: `git+file://${REPO}${suffix}`,
        packageJson: read('package.json'),
        lockfile: read('package-lock.json'),
        files: filesWithModes(path.join(project, 'node_modules', folder)),
      }
      fs.writeFileSync(path.join(GIT_NPM_DIR, `${name}.json`), `${JSON.stringify(record, null, 2)}\n`)
      console.log(`${name}: ${record.files.length} files`)
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true })
  }
}
