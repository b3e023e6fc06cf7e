/**
 * How output looks, decided from settings and the environment as npm 11 decides it.
 */

/** npm's `unicode` default: the first of LC_ALL, LC_CTYPE, LANG names a UTF-8 locale. */
export function isUnicodeLocale(env: Readonly<Record<string, string | undefined>>): boolean {
  return /UTF-?8$/i.test(env.LC_ALL || env.LC_CTYPE || env.LANG || '')
}

/** A boolean setting: the flag when given, else its config value (`true` in an .npmrc). */
export function readBooleanSetting(flag: unknown, configured: string | undefined): boolean {
  if (typeof flag === 'boolean') return flag
  return configured === 'true'
}
