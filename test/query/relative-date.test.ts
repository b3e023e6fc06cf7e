import { expect, test } from 'bun:test'
import { formatBytes, relativeDate } from '../../src/query/relative-date.ts'

// the words tiny-relative-date (npm view's "published ... ago") gave for the same gaps
const NOW = new Date('2026-06-15T12:00:00Z')
const gaps: Array<[number, string]> = [
  [10, 'just now'],
  [45, '45 seconds ago'],
  [90, 'a minute ago'],
  [600, '10 minutes ago'],
  [3700, 'an hour ago'],
  [7300, '2 hours ago'],
  [90_000, 'yesterday'],
  [200_000, '2 days ago'],
  [700_000, 'a week ago'],
  [1_300_000, '2 weeks ago'],
  [2_000_000, '3 weeks ago'],
  [3_000_000, 'a month ago'],
  [10_000_000, '3 months ago'],
  [32_000_000, 'a year ago'],
  [70_000_000, 'over a year ago'],
  [-100, 'a minute from now'],
]

test.each(gaps)('a moment %i seconds before now is "%s"', (seconds, words) => {
  expect(relativeDate(new Date(NOW.getTime() - seconds * 1000), NOW)).toBe(words)
})

const sizes: Array<[number, string]> = [[999, '999 B'], [1000, '1.0 kB'], [123_456, '123.5 kB'], [999_949, '999.9 kB'], [999_950, '1.0 MB'], [5_300_000, '5.3 MB'], [2_000_000_000, '2.0 GB']]

test.each(sizes)('%i bytes are shown as %s', (bytes, shown) => {
  expect(formatBytes(bytes)).toBe(shown)
})
