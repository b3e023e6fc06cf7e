/**
 * npm's "Did you mean" rule (lib/utils/did-you-mean.js): a candidate is close to what was typed
 * when their Levenshtein distance is under 0.4 of the typed word's length.
 */
export function closeMatches(typed: string, candidates: Iterable<string>): string[] {
  const scored: Array<[string, number]> = []
  for (const candidate of candidates) {
    if (candidate === typed) continue
    const distance = editDistance(typed, candidate)
    if (distance < typed.length * 0.4) scored.push([candidate, distance])
  }
  return scored.sort((a, b) => a[1] - b[1]).map(([candidate]) => candidate)
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost)
    }
    previous = current
  }
  return previous[b.length] ?? 0
}
