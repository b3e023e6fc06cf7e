/**
 * From raw runs to the tables: per fixture and phase, one row per tool with the median (and
 * min–max) of the successful runs, the ratio of its median wall time to skiff's, and every
 * failed run listed under the table with the tail of its stderr.
 */
import type { Measurement } from './measure.ts'
import type { ToolName } from './tools.ts'

export interface RunRecord extends Omit<Measurement, 'argv' | 'cwd'> {
  fixture: string
  phase: string
  tool: ToolName
  round: number
  /** position of this tool in its round's order, 0-based */
  slot: number
  ok: boolean
  /** why the run counts as failed (exit status, missing output) */
  failure?: string
  startedAt: string
  /** 1-minute load average when the run ended */
  load1?: number
}

export interface Spread {
  median: number
  min: number
  max: number
}

export interface SummaryRow {
  tool: ToolName
  runs: number
  failed: number
  wall?: Spread
  user?: Spread
  sys?: Spread
  rssMb?: Spread
  /** median wall / skiff's median wall */
  ratioToSkiff?: number
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2
}

export function spread(values: readonly number[]): Spread | undefined {
  if (values.length === 0) return undefined
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) }
}

export function summarize(runs: readonly RunRecord[], tools: readonly ToolName[]): SummaryRow[] {
  const rows = tools.map((tool): SummaryRow => {
    const mine = runs.filter((run) => run.tool === tool)
    const good = mine.filter((run) => run.ok)
    return {
      tool,
      runs: mine.length,
      failed: mine.length - good.length,
      wall: spread(good.map((run) => run.wallS)),
      user: spread(good.map((run) => run.userS)),
      sys: spread(good.map((run) => run.sysS)),
      rssMb: spread(good.map((run) => run.maxRssKb / 1024)),
    }
  })
  const skiffWall = rows.find((row) => row.tool === 'skiff')?.wall?.median
  return rows.map((row) =>
    skiffWall === undefined || row.wall === undefined ? row : { ...row, ratioToSkiff: row.wall.median / skiffWall },
  )
}

function formatSpread(value: Spread | undefined, digits: number): string {
  if (value === undefined) return '–'
  const f = (n: number): string => n.toFixed(digits)
  return value.min === value.max ? f(value.median) : `${f(value.median)} (${f(value.min)}–${f(value.max)})`
}

/** Two decimals above 1 s, three below, so the fast phases do not collapse to 0.0x. */
function wallDigits(value: Spread | undefined): number {
  return value !== undefined && value.median < 1 ? 3 : 2
}

export function renderTable(title: string, rows: readonly SummaryRow[], failures: readonly RunRecord[]): string {
  const lines = [
    `### ${title}`,
    '',
    '| tool | runs | median wall s (min–max) | user s | sys s | max RSS MB | × skiff |',
    '|---|---|---|---|---|---|---|',
  ]
  for (const row of rows) {
    const ok = row.runs - row.failed
    lines.push(
      [
        '',
        row.tool,
        row.failed > 0 ? `${ok} ok, ${row.failed} failed` : String(row.runs),
        formatSpread(row.wall, wallDigits(row.wall)),
        formatSpread(row.user, 2),
        formatSpread(row.sys, 2),
        formatSpread(row.rssMb, 0),
        row.ratioToSkiff === undefined ? '–' : `${row.ratioToSkiff.toFixed(2)}×`,
        '',
      ].join(' | ').trim(),
    )
  }
  for (const run of failures) {
    lines.push('', `- FAILED ${run.tool} round ${run.round}: ${run.failure ?? `exit ${run.exitCode}`}`)
    const detail = run.stderrTail.trim() || run.stdoutTail.trim()
    if (detail !== '') lines.push('', '  ```', ...detail.split('\n').map((line) => `  ${line}`), '  ```')
  }
  return lines.join('\n') + '\n'
}
