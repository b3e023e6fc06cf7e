/**
 * Runs the README's recipes as their CI system or Docker would, on this machine, with what
 * cannot happen here replaced by its local equivalent:
 *
 * - the GitHub release download folder is the local release server (SKIFF_DOWNLOAD_URL, and
 *   the install.sh URL rewritten);
 * - system package installs (`apt-get`, `apk`) are not run: the tools are on this machine,
 *   and the runner reports which packages each one names;
 * - a Dockerfile's absolute paths (WORKDIR, COPY, ENV) live under a sandbox root, its commands
 *   run with HOME=<root>/root; GitHub's checkout and cache actions, and GitLab's cache, are
 *   copies of folders, keyed as those systems key them.
 *
 * Every command runs with `basePath` (no node on it) as PATH, unless the recipe changes PATH.
 */
import fs from 'node:fs'
import path from 'node:path'

export interface RecipeEnv {
  /** the project, as the repository holds it */
  context: string
  /** where the recipe's files go: workspace, home, image root */
  sandbox: string
  /** the folder served in place of the GitHub release download folder */
  releaseUrl: string
  /** PATH of the machine: shell tools, no node */
  basePath: string
}

export interface StepRun {
  /** the instruction or step, as written */
  step: string
  code: number
  stdout: string
  stderr: string
}

export interface RecipeRun {
  steps: StepRun[]
  /** system packages the recipe installs with apt-get or apk (not run here) */
  systemPackages: string[]
  ok: boolean
}

/** The code block under `<!-- recipe: name -->` in a markdown text. */
export function recipeBlock(markdown: string, name: string): string {
  const at = markdown.indexOf(`<!-- recipe: ${name} -->`)
  if (at === -1) throw new Error(`no recipe "${name}"`)
  const match = /```[a-z]*\n([\s\S]*?)```/.exec(markdown.slice(at))
  if (!match?.[1]) throw new Error(`recipe "${name}" has no code block`)
  return match[1]
}

const RELEASE_URL = /https:\/\/github\.com\/[^/\s]+\/[^/\s]+\/releases\/(?:download\/[^/\s]+|latest\/download)/g

function localize(command: string, env: RecipeEnv): string {
  return command.replace(RELEASE_URL, env.releaseUrl)
}

/** The packages of an `apt-get install` / `apk add` command; undefined for any other command. */
export function systemPackagesOf(command: string): string[] | undefined {
  if (!/^(apt-get|apk)\b/.test(command.trim())) return undefined
  const packages: string[] = []
  for (const part of command.split('&&')) {
    const install = /^\s*(?:apt-get\s+install|apk\s+add)\s+(.*)$/.exec(part)
    if (install?.[1]) packages.push(...install[1].trim().split(/\s+/).filter((word) => !word.startsWith('-')))
  }
  return packages
}

async function runShell(shell: string[], script: string, cwd: string, env: Record<string, string>): Promise<Omit<StepRun, 'step'>> {
  const child = Bun.spawn([...shell, script], { cwd, env, stdout: 'pipe', stderr: 'pipe', stdin: 'ignore' })
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  return { code, stdout, stderr }
}

function copyInto(source: string, dest: string): void {
  fs.cpSync(source, dest, { recursive: true, force: true, verbatimSymlinks: true })
}

// --- Dockerfile ------------------------------------------------------------------------------

/** Instructions, with line continuations joined and comments dropped. */
function dockerInstructions(dockerfile: string): Array<{ op: string; args: string }> {
  const joined = dockerfile.replace(/\\\n/g, ' ')
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const space = line.indexOf(' ')
      return { op: line.slice(0, space).toUpperCase(), args: line.slice(space + 1).trim() }
    })
}

export async function runDockerfile(dockerfile: string, env: RecipeEnv): Promise<RecipeRun> {
  const root = path.join(env.sandbox, 'image')
  const inRoot = (file: string) => path.join(root, file)
  fs.mkdirSync(inRoot('root'), { recursive: true })
  const vars: Record<string, string> = { PATH: env.basePath, HOME: inRoot('root'), SKIFF_DOWNLOAD_URL: env.releaseUrl }
  let workdir = root
  const steps: StepRun[] = []
  const systemPackages: string[] = []
  const expand = (value: string) => value.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name: string) => vars[name] ?? '')
  for (const { op, args } of dockerInstructions(dockerfile)) {
    const step = `${op} ${args}`
    switch (op) {
      case 'FROM':
        continue
      case 'ARG':
      case 'ENV': {
        const [name, ...rest] = args.split('=')
        const value = expand(rest.join('='))
        // absolute folders of the image are under the sandbox root; $PATH was expanded already
        vars[name as string] = name === 'PATH' ? value.split(':').map((dir) => (dir.startsWith('/') && !env.basePath.split(':').includes(dir) ? inRoot(dir) : dir)).join(':') : value
        continue
      }
      case 'WORKDIR':
        workdir = inRoot(args)
        fs.mkdirSync(workdir, { recursive: true })
        continue
      case 'COPY': {
        const parts = args.split(/\s+/)
        const dest = path.resolve(workdir, (parts.pop() as string).replace(/^\//, `${root}/`))
        for (const source of parts) {
          if (source === '.') copyInto(env.context, dest)
          else copyInto(path.join(env.context, source), path.join(dest, path.basename(source)))
        }
        continue
      }
      case 'RUN': {
        const packages = systemPackagesOf(args)
        if (packages) {
          systemPackages.push(...packages)
          continue
        }
        const result = await runShell(['sh', '-c'], localize(args, env), workdir, vars)
        steps.push({ step, ...result })
        if (result.code !== 0) return { steps, systemPackages, ok: false }
        continue
      }
      case 'CMD': {
        const command = JSON.parse(args) as string[]
        const child = Bun.spawn(command, { cwd: workdir, env: vars, stdout: 'pipe', stderr: 'pipe', stdin: 'ignore' })
        const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
        steps.push({ step, code, stdout, stderr })
        return { steps, systemPackages, ok: code === 0 }
      }
      default:
        throw new Error(`the recipe runner does not know the instruction ${op}`)
    }
  }
  return { steps, systemPackages, ok: true }
}

// --- GitHub Actions --------------------------------------------------------------------------

interface WorkflowStep {
  name?: string
  uses?: string
  run?: string
  with?: Record<string, string>
}

/** Where saved caches live between runs: key -> folder. */
export type CacheStore = Map<string, string>

/** `${{ runner.os }}`, `${{ runner.arch }}`, `${{ hashFiles('a', ...) }}` in the workspace. */
function githubExpression(text: string, workspace: string): string {
  return text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => {
    if (expression === 'runner.os') return 'Linux'
    if (expression === 'runner.arch') return process.arch === 'arm64' ? 'ARM64' : 'X64'
    const files = /^hashFiles\((.*)\)$/.exec(expression)
    if (files?.[1]) return hashFiles(workspace, [...files[1].matchAll(/'([^']+)'/g)].map((match) => match[1] as string))
    throw new Error(`the recipe runner cannot evaluate \${{ ${expression} }}`)
  })
}

function hashFiles(dir: string, files: readonly string[]): string {
  const hasher = new Bun.CryptoHasher('sha256')
  for (const file of files) hasher.update(new Bun.CryptoHasher('sha256').update(fs.readFileSync(path.join(dir, file))).digest())
  return hasher.digest('hex')
}

export async function runGithubWorkflow(workflowText: string, env: RecipeEnv, caches: CacheStore): Promise<RecipeRun> {
  const workflow = Bun.YAML.parse(workflowText) as { jobs: Record<string, { steps: WorkflowStep[] }> }
  const [job] = Object.values(workflow.jobs)
  if (!job) throw new Error('the workflow has no job')
  const home = path.join(env.sandbox, 'home')
  const workspace = path.join(env.sandbox, 'work')
  const githubPath = path.join(env.sandbox, 'github-path')
  fs.rmSync(env.sandbox, { recursive: true, force: true })
  fs.mkdirSync(home, { recursive: true })
  fs.mkdirSync(workspace, { recursive: true })
  fs.writeFileSync(githubPath, '')
  const steps: StepRun[] = []
  const saves: Array<() => void> = []
  for (const step of job.steps) {
    const label = step.name ?? step.uses ?? step.run ?? ''
    if (step.uses?.startsWith('actions/checkout@')) {
      copyInto(env.context, workspace)
      continue
    }
    if (step.uses?.startsWith('actions/cache@')) {
      const folder = (step.with?.path ?? '').replace(/^~/, home)
      const key = githubExpression(step.with?.key ?? '', workspace)
      const prefixes = (step.with?.['restore-keys'] ?? '').split('\n').map((line) => githubExpression(line.trim(), workspace)).filter(Boolean)
      const hit = caches.get(key) ?? prefixes.map((prefix) => [...caches.keys()].reverse().find((saved) => saved.startsWith(prefix))).find(Boolean)
      const restored = hit === undefined ? undefined : (caches.get(key) ?? caches.get(hit))
      if (restored) copyInto(restored, folder)
      steps.push({ step: label, code: 0, stdout: restored ? `restored ${caches.get(key) ? key : hit}` : 'cache miss', stderr: '' })
      // saved after the job, and only under a key that had no entry
      if (!caches.has(key)) saves.push(() => {
        const saved = path.join(env.sandbox, '..', `cache-${caches.size}`)
        copyInto(folder, saved)
        caches.set(key, saved)
      })
      continue
    }
    if (step.uses) throw new Error(`the recipe runner does not know the action ${step.uses}`)
    const added = fs.readFileSync(githubPath, 'utf8').split('\n').filter(Boolean).reverse()
    const vars = { PATH: [...added, env.basePath].join(':'), HOME: home, GITHUB_PATH: githubPath, GITHUB_WORKSPACE: workspace, CI: 'true', SKIFF_DOWNLOAD_URL: env.releaseUrl }
    // GitHub runs `run` steps with bash -e on Linux runners
    const result = await runShell(['bash', '-e', '-c'], localize(step.run ?? '', env), workspace, vars)
    steps.push({ step: label, ...result })
    if (result.code !== 0) return { steps, systemPackages: [], ok: false }
  }
  for (const save of saves) save()
  return { steps, systemPackages: [], ok: true }
}

// --- GitLab CI -------------------------------------------------------------------------------

interface GitlabJob {
  variables?: Record<string, string>
  cache?: { key?: { files?: string[] }; paths?: string[] }
  before_script?: string[]
  script: string[]
}

export async function runGitlabJob(pipelineText: string, env: RecipeEnv, caches: CacheStore): Promise<RecipeRun> {
  const pipeline = Bun.YAML.parse(pipelineText) as Record<string, GitlabJob>
  const [job] = Object.values(pipeline)
  if (!job) throw new Error('the pipeline has no job')
  const home = path.join(env.sandbox, 'home')
  const project = path.join(env.sandbox, 'builds/project')
  fs.rmSync(env.sandbox, { recursive: true, force: true })
  fs.mkdirSync(home, { recursive: true })
  fs.mkdirSync(project, { recursive: true })
  copyInto(env.context, project)
  // GitLab keys a cache on the files' content and restores its paths inside the project
  const key = hashFiles(project, job.cache?.key?.files ?? [])
  const cachePaths = job.cache?.paths ?? []
  const saved = caches.get(key)
  if (saved) copyInto(saved, project)
  const systemPackages: string[] = []
  const lines = [...(job.before_script ?? []), ...job.script].filter((line) => {
    const packages = systemPackagesOf(line)
    if (packages) systemPackages.push(...packages)
    return packages === undefined
  })
  const variables = Object.entries(job.variables ?? {}).map(([name, value]) => `export ${name}="${value}"`)
  // every line of a job runs in one shell, which stops at the first failing line
  const script = ['set -e', 'export CI_PROJECT_DIR="$PWD"', ...variables, ...lines.map((line) => localize(line, env))].join('\n')
  const result = await runShell(['sh', '-c'], script, project, { PATH: env.basePath, HOME: home, CI: 'true', SKIFF_DOWNLOAD_URL: env.releaseUrl })
  const steps = [{ step: 'script', ...result }]
  if (result.code !== 0) return { steps, systemPackages, ok: false }
  if (!saved) {
    const folder = path.join(env.sandbox, '..', `gitlab-cache-${caches.size}`)
    for (const cachePath of cachePaths) if (fs.existsSync(path.join(project, cachePath))) copyInto(path.join(project, cachePath), path.join(folder, cachePath))
    caches.set(key, folder)
  }
  return { steps, systemPackages, ok: true }
}
