/**
 * formatTable: rows of cells in columns, as npm's text-table lays them out: two spaces between
 * columns, cells padded to the widest in their column (on the left for right-aligned columns),
 * trailing spaces removed from each line. Widths ignore terminal color codes.
 */
import { stripVTControlCharacters } from 'node:util'

export type Align = 'l' | 'r'

export function formatTable(rows: ReadonlyArray<readonly string[]>, align: readonly Align[]): string {
  const width = (cell: string) => stripVTControlCharacters(cell).length
  const widths: number[] = []
  for (const row of rows) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, width(cell))))
  return rows
    .map((row) => row
      .map((cell, index) => {
        const padding = ' '.repeat(Math.max((widths[index] ?? 0) - width(cell), 0))
        return align[index] === 'r' ? padding + cell : cell + padding
      })
      .join('  ')
      .replace(/\s+$/, ''))
    .join('\n')
}
