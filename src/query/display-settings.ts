/**
 * How output looks, decided from settings and the environment as npm 11 decides it.
 */

/** npm's `unicode` default: the first of LC_ALL, LC_CTYPE, LANG names a UTF-8 locale. */
export function isUnicodeLocale(env: Readonly<Record<string, string | undefined>>): boolean {
  return /UTF-?8$/i.test(env.LC_ALL || env.LC_CTYPE || env.LANG || '')
}

/**
 * npm's `color` setting: `always`, never when false, else only on a terminal; NO_COLOR (other
 * than `0`) turns the default off.
 */
export function shouldColor(setting: unknown, isTTY: boolean | undefined, env: Readonly<Record<string, string | undefined>>): boolean {
  if (setting === 'always') return true
  if (setting === false || setting === 'false' || setting === '') return false
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '' && env.NO_COLOR !== '0'
  return isTTY === true && (setting === true || setting === 'true' || !noColor)
}

/** A boolean setting: the flag when given, else its config value (`true` in an .npmrc). */
export function readBooleanSetting(flag: unknown, configured: string | undefined): boolean {
  if (typeof flag === 'boolean') return flag
  return configured === 'true'
}
