/**
 * The outputs of `npm outdated`: the table (Package, Current, Wanted, Latest, Location,
 * Depended by, and with --long Package Type, Homepage, Depended By Location), the JSON object
 * keyed by name (an array when a name is outdated in several places), and the parseable
 * lines `path:name@wanted:name@current:name@latest:dependent`.
 */
import type { OutdatedRow } from './outdated.ts'
import type { Paint } from './paint.ts'
import { formatTable } from './text-table.ts'

export function renderOutdatedTable(rows: readonly OutdatedRow[], options: { long: boolean; paint: Paint }): string {
  const { long, paint } = options
  const header = ['Package', 'Current', 'Wanted', 'Latest', 'Location', 'Depended by', ...(long ? ['Package Type', 'Homepage', 'Depended By Location'] : [])]
  const lines = rows.map((row) => [
    row.current === row.wanted ? paint.yellow(row.name) : paint.red(row.name),
    row.current ?? 'MISSING',
    paint.cyan(row.wanted),
    paint.blue(row.latest),
    row.location ?? '-',
    row.workspaceDependent === undefined ? row.dependent : paint.blue(row.workspaceDependent),
    ...(long ? [row.type, paint.blue(row.homepage ?? ''), row.dependedByLocation] : []),
  ])
  return formatTable([header.map((title) => paint.bold(paint.underline(title))), ...lines], ['l', 'r', 'r', 'r', 'l'])
}

export function renderOutdatedParseable(rows: readonly OutdatedRow[], options: { long: boolean }): string {
  return rows
    .map((row) => [
      row.path ?? '',
      `${row.name}@${row.wanted}`,
      row.current === undefined ? 'MISSING' : `${row.name}@${row.current}`,
      `${row.name}@${row.latest}`,
      row.dependent,
      ...(options.long ? [row.type, row.homepage ?? '', row.dependedByLocation] : []),
    ].join(':'))
    .join('\n')
}

export function renderOutdatedJson(rows: readonly OutdatedRow[], options: { long: boolean }): Record<string, unknown> {
  const document: Record<string, unknown> = {}
  for (const row of rows) {
    const entry = {
      current: row.current,
      wanted: row.wanted,
      latest: row.latest,
      dependent: row.dependent,
      location: row.path,
      ...(options.long ? { type: row.type, homepage: row.homepage, dependedByLocation: row.dependedByLocation } : {}),
    }
    const known = document[row.name]
    document[row.name] = known === undefined ? entry : [...(Array.isArray(known) ? known : [known]), entry]
  }
  return document
}
