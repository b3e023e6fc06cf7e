/**
 * The resolver corpus: small dependency graphs with the package-lock.json (or the error) that
 * npm 11.19 produced for each against the fixture registry. Recorded by
 * test/resolve/record-corpus.ts; the registry URL is stored as REGISTRY_PLACEHOLDER.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { writeProject } from '../../registry/index.ts'
import { type CaseJson, type ExpectedError, parseCaseJson, parseExpectedError } from './case-json.ts'

export type { CaseJson, ExpectedError } from './case-json.ts'

/** Stands for the fixture registry's URL (`http://127.0.0.1:<port>/`) in stored files. */
export const REGISTRY_PLACEHOLDER = 'http://registry.test/'
export const CORPUS_DIR = import.meta.dir
export const CASE_FILE = 'case.json'
export const LOCKFILE_FILE = 'expected-package-lock.json'
export const ERROR_FILE = 'expected-error.json'

export interface CorpusCase {
  name: string
  dir: string
  case: CaseJson
  /** npm's package-lock.json bytes, registry URL as REGISTRY_PLACEHOLDER */
  expectedLockfile?: string
  expectedError?: ExpectedError
}

export function withPlaceholder(text: string, registryUrl: string): string {
  return text.replaceAll(registryUrl, REGISTRY_PLACEHOLDER)
}

export function withRegistry(text: string, registryUrl: string): string {
  return text.replaceAll(REGISTRY_PLACEHOLDER, registryUrl)
}

/** Every case folder of the corpus, by name. */
export function loadCorpus(): CorpusCase[] {
  return fs.readdirSync(CORPUS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(CORPUS_DIR, entry.name, CASE_FILE)))
    .map((entry) => loadCase(entry.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

export function loadCase(name: string): CorpusCase {
  const dir = path.join(CORPUS_DIR, name)
  const caseFile = path.join(dir, CASE_FILE)
  if (!fs.existsSync(caseFile)) throw new Error(`no corpus case ${name} (${caseFile} is missing)`)
  const loaded: CorpusCase = { name, dir, case: parseCaseJson(fs.readFileSync(caseFile, 'utf8'), caseFile) }
  const lockFile = path.join(dir, LOCKFILE_FILE)
  if (fs.existsSync(lockFile)) loaded.expectedLockfile = fs.readFileSync(lockFile, 'utf8')
  const errorFile = path.join(dir, ERROR_FILE)
  if (fs.existsSync(errorFile)) loaded.expectedError = parseExpectedError(fs.readFileSync(errorFile, 'utf8'), errorFile)
  return loaded
}

export interface MaterialisedProject extends Disposable {
  /** the project folder, named after the case (npm names an unnamed root after its folder) */
  dir: string
  /** the temp folder holding it; removed on dispose */
  root: string
}

/**
 * Writes a case's project into a new temp folder as the recorder gave it to npm: package.json
 * (in the case's format), .npmrc, workspace folders and the baseline lockfile, with
 * REGISTRY_PLACEHOLDER replaced by `registryUrl`.
 */
export function materialise(caseName: string, registryUrl: string): MaterialisedProject {
  const { case: spec } = loadCase(caseName)
  const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-corpus-'))
  const dir = path.join(tempRoot, caseName)
  writeProject(dir, {
    packageJson: spec.packageJson,
    ...(spec.npmrc === undefined ? {} : { npmrc: spec.npmrc }),
    ...(spec.baseline === undefined ? {} : { lockfile: withRegistry(`${JSON.stringify(spec.baseline, null, 2)}\n`, registryUrl) }),
  })
  if (spec.format) fs.writeFileSync(path.join(dir, 'package.json'), formatJson(spec.packageJson, spec.format))
  for (const [folder, manifest] of Object.entries(spec.workspaces ?? {})) writeProject(path.join(dir, folder), { packageJson: manifest })
  return {
    dir,
    root: tempRoot,
    [Symbol.dispose]: () => fs.rmSync(tempRoot, { recursive: true, force: true }),
  }
}

function formatJson(value: unknown, format: { indent: string; newline: string }): string {
  return `${JSON.stringify(value, null, format.indent)}\n`.replaceAll('\n', format.newline)
}
