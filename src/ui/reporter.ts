/**
 * Renders what an install tells it: a live progress line on a TTY, plain lines in CI, one JSON
 * document with `--json`. Nothing else in skiff writes to the terminal (errors go through
 * cli/print-error.ts, which uses `line` here).
 */
// consola/core: the logger without consola's own reporters, which take ~25 ms of CPU to load
// (measured in the compiled binary); skiff renders every line itself
import { createConsola, type ConsolaInstance } from 'consola/core'
import type { HttpEvent } from '../registry/index.ts'
import { timingLines, type TimingsReport } from './timings.ts'

export type LogLevel = 'silent' | 'error' | 'warn' | 'notice' | 'http' | 'info' | 'verbose' | 'silly'

const levelRank: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, notice: 3, http: 4, info: 5, verbose: 6, silly: 7 }

export interface Progress {
  total: number
  linked: number
  downloaded: number
  downloadedBytes: number
}

/** A package in npm's --json lists of what an install changed. */
export interface PackageChange {
  /** the folder name (an alias's name) */
  name: string
  version: string
  /** absolute */
  path: string
}

/** A package whose install scripts were not run, as npm's --json lists them. */
export interface UnreviewedPackage {
  name: string
  version?: string
  path: string
  scripts: Record<string, string>
}

export interface Summary {
  command: string
  /** npm's lists and counts (reify-output); the counts also cover changes not listed one by one */
  add: PackageChange[]
  added: number
  change: Array<{ from: PackageChange; to: PackageChange }>
  changed: number
  remove: PackageChange[]
  removed: number
  unchanged: number
  downloaded: number
  fromCache: number
  downloadedBytes: number
  elapsedMs: number
  backend?: string
  droppedOptional: string[]
  /** packages this run installed whose registry entry is deprecated: name@version and the message */
  deprecated: Array<{ pkg: string; message: string }>
  unreviewedScripts: UnreviewedPackage[]
  warnings: string[]
  /** fetch: the packages this machine needs, now all in the store at `store` */
  storeOnly?: { packages: number; store: string }
  /** --package-lock-only: the number of packages the lockfile holds, and whether it changed */
  lockfileOnly?: { packages: number; changed: boolean }
  /** --timings */
  timings?: TimingsReport
}

/** The summary of a command that changed nothing (yet). */
export function emptySummary(command: string): Summary {
  return { command, add: [], added: 0, change: [], changed: 0, remove: [], removed: 0, unchanged: 0, downloaded: 0, fromCache: 0, downloadedBytes: 0, elapsedMs: 0, droppedOptional: [], deprecated: [], unreviewedScripts: [], warnings: [] }
}

export interface Reporter {
  progress(progress: Progress): void
  warn(message: string): void
  notice(message: string): void
  verbose(message: string): void
  /** a registry request, at loglevel http and above, as npm prints it */
  http(event: HttpEvent): void
  summary(summary: Summary): void
  /** an error already formatted by the printer */
  error(text: string, json: unknown): void
  /** stops the live line before the process ends */
  close(): void
}

export interface ReporterOptions {
  loglevel: LogLevel
  json: boolean
  /** live progress line (stderr is a TTY and not CI) */
  live: boolean
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
  redact: (text: string) => string
}

export function createReporter(options: ReporterOptions): Reporter {
  const rank = levelRank[options.loglevel]
  const logger: ConsolaInstance = createConsola({
    level: rank >= levelRank.verbose ? 4 : rank >= levelRank.notice ? 3 : rank >= levelRank.warn ? 1 : 0,
    formatOptions: { date: false, colors: options.live, compact: true },
    reporters: [
      {
        log(entry) {
          const text = options.redact(entry.args.map(String).join(' '))
          const prefix = entry.type === 'warn' ? 'warn ' : entry.type === 'error' ? '' : ''
          clearLive()
          options.stderr.write(`${prefix}${text}\n`)
        },
      },
    ],
  })
  let liveShown = false
  let lastDraw = 0
  const warnings: string[] = []

  function clearLive(): void {
    if (!liveShown) return
    options.stderr.write('\r\x1b[2K')
    liveShown = false
  }

  return {
    progress(progress) {
      if (!options.live || options.json || rank < levelRank.notice) return
      const now = performance.now()
      if (now - lastDraw < 80 && progress.linked < progress.total) return
      lastDraw = now
      const mb = (progress.downloadedBytes / 1e6).toFixed(1)
      options.stderr.write(`\r\x1b[2K${progress.linked}/${progress.total} packages · ${progress.downloaded} downloaded · ${mb} MB`)
      liveShown = true
    },
    warn(message) {
      warnings.push(message)
      if (!options.json) logger.warn(message)
    },
    notice(message) {
      if (!options.json) logger.log(message)
    },
    verbose(message) {
      if (!options.json) logger.debug(message)
    },
    http(event) {
      if (options.json || rank < levelRank.http) return
      clearLive()
      options.stderr.write(`${options.redact(httpLine(event))}\n`)
    },
    summary(summary) {
      clearLive()
      if (options.json) {
        // npm's keys first, in npm's order, then skiff's
        const { add, added, change, changed, remove, removed, ...rest } = summary
        options.stdout.write(`${options.redact(JSON.stringify({ add, added, change, changed, remove, removed, ok: true, ...rest, warnings }, null, 2))}\n`)
        return
      }
      // timings go to stderr, with the other diagnostics, whatever the log level
      if (summary.timings) for (const line of timingLines(summary.timings)) options.stderr.write(`${line}\n`)
      if (rank < levelRank.notice) return
      for (const line of summaryLines(summary)) options.stdout.write(`${line}\n`)
    },
    error(text, json) {
      clearLive()
      if (options.json) {
        options.stdout.write(`${options.redact(JSON.stringify({ ok: false, error: json, warnings }, null, 2))}\n`)
        return
      }
      if (rank >= levelRank.error) options.stderr.write(`${options.redact(text)}\n`)
    },
    close() {
      clearLive()
    },
  }
}

/** npm-registry-fetch's line: `http fetch GET 200 <url> 12ms attempt 2 (cache miss)`. */
export function httpLine(event: HttpEvent): string {
  const attempt = event.attempt > 1 ? ` attempt ${event.attempt}` : ''
  return `http fetch ${event.method} ${event.status} ${event.url} ${Math.round(event.elapsedMs)}ms${attempt} (cache ${event.cache})`
}

export function summaryLines(summary: Summary): string[] {
  const lines: string[] = []
  if (summary.lockfileOnly) {
    const { packages, changed } = summary.lockfileOnly
    lines.push(`${changed ? 'wrote' : 'kept'} package-lock.json (${plural(packages, 'package')}) in ${elapsed(summary.elapsedMs)}`)
    return lines
  }
  if (summary.droppedOptional.length > 0) {
    lines.push(`optional packages skipped (${summary.droppedOptional.length}): ${summary.droppedOptional.join(', ')}`)
  }
  const seconds = elapsed(summary.elapsedMs)
  const sources: string[] = []
  if (summary.downloaded > 0) sources.push(`${summary.downloaded} downloaded (${formatBytes(summary.downloadedBytes)})`)
  if (summary.fromCache > 0) sources.push(`${summary.fromCache} from cache`)
  const from = sources.length > 0 ? ` · ${sources.join(', ')}` : ''
  if (summary.storeOnly) {
    lines.push(`stored ${plural(summary.storeOnly.packages, 'package')} in ${seconds}${from} · store: ${summary.storeOnly.store}`)
    return lines
  }
  lines.push(`${changesPhrase(summary)} in ${seconds}${from}`)
  return lines
}

/** npm's words (reify-output, without an audit): "up to date", "added 1 package, and removed 2 packages", ... */
function changesPhrase({ added, removed, changed }: Summary): string {
  if (added === 0 && removed === 0 && changed === 0) return 'up to date'
  let text = added > 0 ? `added ${plural(added, 'package')}` : ''
  if (removed > 0) text += `${added > 0 ? ', ' : ''}${added > 0 && changed === 0 ? 'and ' : ''}removed ${plural(removed, 'package')}`
  if (changed > 0) text += `${added > 0 || removed > 0 ? ', and ' : ''}changed ${plural(changed, 'package')}`
  return text
}

function elapsed(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(2)}s`
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

export function formatBytes(bytes: number): string {
  if (bytes < 1e3) return `${bytes} B`
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`
  return `${(bytes / 1e6).toFixed(1)} MB`
}
