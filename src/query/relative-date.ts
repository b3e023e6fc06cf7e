/**
 * relativeDate: how long ago a moment was, in the words npm view uses (tiny-relative-date's
 * English): `just now`, `3 minutes ago`, `yesterday`, `2 weeks ago`, `a year ago`, and
 * `over a year ago` from two years on. Between a day and a week, the moment counts from the
 * start of its day (local time).
 */
const MINUTE = 60
const HOUR = MINUTE * 60
const DAY = HOUR * 24
const WEEK = DAY * 7
const MONTH = DAY * 30
const YEAR = DAY * 365

export function relativeDate(moment: Date, now: Date): string {
  let date = moment
  let delta = secondsBetween(now, date)
  if (delta > DAY && delta < WEEK) {
    date = new Date(date.getFullYear(), date.getMonth(), date.getDate(), 0, 0, 0)
    delta = secondsBetween(now, date)
  }
  const past = now >= date
  const phrase = (words: string) => (past ? `${words} ago` : `${words} from now`)
  if (delta < 30) return 'just now'
  if (delta < MINUTE) return phrase(`${delta} seconds`)
  if (delta < 2 * MINUTE) return phrase('a minute')
  if (delta < HOUR) return phrase(`${Math.floor(delta / MINUTE)} minutes`)
  if (Math.floor(delta / HOUR) === 1) return phrase('an hour')
  if (delta < DAY) return phrase(`${Math.floor(delta / HOUR)} hours`)
  if (delta < DAY * 2) return past ? 'yesterday' : 'tomorrow'
  if (delta < WEEK) return phrase(`${Math.floor(delta / DAY)} days`)
  if (Math.floor(delta / WEEK) === 1) return phrase('a week')
  if (delta < MONTH) return phrase(`${Math.floor(delta / WEEK)} weeks`)
  if (Math.floor(delta / MONTH) === 1) return phrase('a month')
  if (delta < YEAR) return phrase(`${Math.floor(delta / MONTH)} months`)
  if (Math.floor(delta / YEAR) === 1) return phrase('a year')
  return past ? 'over a year ago' : 'over a year from now'
}

function secondsBetween(now: Date, date: Date): number {
  return Math.round(Math.abs(now.getTime() - date.getTime()) / 1000)
}

/** A byte count as npm shows sizes: `512 B`, `1.5 kB`, `12.3 MB`, `1.0 GB` (powers of 1000). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`
  if (bytes < 999_950) return `${(bytes / 1000).toFixed(1)} kB`
  if (bytes < 999_950_000) return `${(bytes / 1_000_000).toFixed(1)} MB`
  return `${(bytes / 1_000_000_000).toFixed(1)} GB`
}
