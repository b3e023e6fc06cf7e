/**
 * Records the resolver corpus with the real npm: for each case, the fixture registry is started
 * with the case's packages, the project is written as `materialise` writes it, and
 * `npm install --package-lock-only` runs against it in a hermetic environment. What npm wrote
 * (or the error it failed with) is stored with the registry URL replaced by the placeholder.
 *
 *   bun test/resolve/record-corpus.ts [case-name...]           record (all cases by default)
 *   bun test/resolve/record-corpus.ts --check [case-name...]   re-record into a temp folder, list
 *                                                              the expectations that differ, and
 *                                                              keep the folder only if some do
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createTestRegistry, type RecordedRequest } from '../registry/index.ts'
import {
  CORPUS_DIR,
  type CorpusCase,
  ERROR_FILE,
  loadCase,
  loadCorpus,
  LOCKFILE_FILE,
  materialise,
  withPlaceholder,
} from './corpus/index.ts'
import { npmErrorSummary, runNpmInstall } from './corpus/run-npm.ts'

const CORGI_TYPE = 'application/vnd.npm.install-v1+json'

interface Recording {
  /** the file to store and its text */
  file: typeof LOCKFILE_FILE | typeof ERROR_FILE
  text: string
  /** packument requests by the document asked for */
  packuments: { full: number; corgi: number }
  tarballs: number
  /** requests the fixture registry did not understand */
  unexpected: RecordedRequest[]
}

async function record(corpusCase: CorpusCase): Promise<Recording> {
  await using registry = await createTestRegistry({ packages: corpusCase.case.packages })
  using project = materialise(corpusCase.name, registry.url)
  const run = await runNpmInstall({ cwd: project.dir, registryUrl: registry.url, args: corpusCase.case.args ?? [] })
  const traffic = {
    packuments: countPackuments(registry.requests),
    tarballs: registry.requests.filter((request) => request.path.endsWith('.tgz')).length,
    unexpected: registry.unexpected,
  }
  if (run.code === 0) {
    const lockText = fs.readFileSync(path.join(project.dir, 'package-lock.json'), 'utf8')
    return { file: LOCKFILE_FILE, text: withPlaceholder(lockText, registry.url), ...traffic }
  }
  const error = npmErrorSummary(run.stderr)
  if (!error) throw new Error(`npm exited ${run.code} without an error code:\n${run.stderr}`)
  const stored = { code: error.code, summary: error.summary.map((line) => withPlaceholder(line, registry.url)) }
  return { file: ERROR_FILE, text: `${JSON.stringify(stored, null, 2)}\n`, ...traffic }
}

function countPackuments(requests: readonly RecordedRequest[]): { full: number; corgi: number } {
  const packuments = requests.filter((request) => !request.path.includes('/-/'))
  const corgi = packuments.filter((request) => (request.headers.accept ?? '').includes(CORGI_TYPE)).length
  return { full: packuments.length - corgi, corgi }
}

function describe(recording: Recording): string {
  const { full, corgi } = recording.packuments
  const outcome = recording.file === ERROR_FILE
    ? `error ${(JSON.parse(recording.text) as { code: string }).code}`
    : `lockfile (${Object.keys((JSON.parse(recording.text) as { packages: object }).packages).length} entries)`
  const unexpected = recording.unexpected.length > 0 ? `, UNEXPECTED ${recording.unexpected.map((r) => r.url).join(' ')}` : ''
  return `${outcome}; packuments ${full} full ${corgi} corgi, ${recording.tarballs} tarballs${unexpected}`
}

function problemsOf(corpusCase: CorpusCase, recording: Recording): string[] {
  const problems: string[] = []
  const wanted = corpusCase.case.expect === 'lockfile' ? LOCKFILE_FILE : ERROR_FILE
  if (recording.file !== wanted) problems.push(`case expects ${corpusCase.case.expect}`)
  if (recording.unexpected.length > 0) problems.push('unexpected registry requests')
  return problems
}

function store(dir: string, recording: Recording): void {
  fs.mkdirSync(dir, { recursive: true })
  for (const file of [LOCKFILE_FILE, ERROR_FILE]) if (file !== recording.file) fs.rmSync(path.join(dir, file), { force: true })
  fs.writeFileSync(path.join(dir, recording.file), recording.text)
}

function committedText(corpusCase: CorpusCase, file: string): string | undefined {
  const stored = path.join(corpusCase.dir, file)
  return fs.existsSync(stored) ? fs.readFileSync(stored, 'utf8') : undefined
}

async function main(argv: readonly string[]): Promise<number> {
  const check = argv.includes('--check')
  const names = argv.filter((arg) => arg !== '--check')
  const cases = names.length > 0 ? names.map((name) => loadCase(name)) : loadCorpus()
  const checkDir = check ? fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-corpus-check-')) : undefined
  const width = Math.max(...cases.map((corpusCase) => corpusCase.name.length))
  let failed = 0
  for (const corpusCase of cases) {
    const recording = await record(corpusCase)
    const problems = problemsOf(corpusCase, recording)
    if (checkDir) {
      store(path.join(checkDir, corpusCase.name), recording)
      if (committedText(corpusCase, recording.file) !== recording.text) problems.push(`differs from the committed ${recording.file}`)
    } else {
      store(corpusCase.dir, recording)
    }
    if (problems.length > 0) failed += 1
    const status = problems.length > 0 ? 'FAIL' : 'ok  '
    console.log(`${status} ${corpusCase.name.padEnd(width)}  ${describe(recording)}${problems.length > 0 ? ` — ${problems.join('; ')}` : ''}`)
  }
  if (checkDir && failed === 0) fs.rmSync(checkDir, { recursive: true, force: true })
  const where = !checkDir ? `recorded into ${CORPUS_DIR}` : failed > 0 ? `re-recorded into ${checkDir} (diff -r it with the corpus)` : 're-recorded'
  console.log(`${cases.length} cases ${where}; ${failed} with problems`)
  return failed > 0 ? 1 : 0
}

process.exitCode = await main(process.argv.slice(2))
