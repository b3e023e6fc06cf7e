/**
 * `${VAR}` expansion in .npmrc keys and values, as @npmcli/config does it:
 * - `${VAR}` becomes the variable's value; when it is not set the text stays as written
 * - `${VAR?}` becomes the value, or the empty string when it is not set
 * - backslashes before `$` escape it: an odd count keeps `${VAR}` literally (dropping half
 *   of them, rounded up), an even count keeps half of them and expands
 */
const REFERENCE = /(\\*)\$\{([^${}?]+)(\?)?\}/g

export interface Expansion {
  text: string
  /** names referenced with `${NAME}` (no `?`) that the environment does not set */
  unset: string[]
}

export function expandEnv(text: string, env: Record<string, string | undefined>): Expansion {
  const unset: string[] = []
  const expanded = text.replace(REFERENCE, (whole: string, slashes: string, name: string, optional?: string) => {
    if (slashes.length % 2 === 1) return whole.slice((slashes.length + 1) / 2)
    const value = env[name]
    const keptSlashes = slashes.slice(slashes.length / 2)
    if (value !== undefined) return keptSlashes + value
    if (optional === '?') return keptSlashes
    unset.push(name)
    return `${keptSlashes}\${${name}}`
  })
  return { text: expanded, unset }
}
