/**
 * Where the store lives: the `--cache` flag, else $SKIFF_CACHE_DIR, else $XDG_CACHE_HOME/skiff,
 * else ~/.cache/skiff. The flag names skiff's cache root itself (the store adds its own `v1/`
 * below it, so pointing it at npm's cache folder collides with nothing). npm's `cache` setting
 * from .npmrc or npm_config_cache is not used: npm always has one (~/.npm by default), so it
 * would always win, and it names npm's own cache. Relative values are taken from `cwd`.
 */
import path from 'node:path'

export interface StoreRootOptions {
  /** the `--cache` flag, only when the user gave it */
  cacheFlag?: string
  env: Record<string, string | undefined>
  home: string
  cwd?: string
}

export function storeRoot(opts: StoreRootOptions): string {
  const cwd = opts.cwd ?? process.cwd()
  if (opts.cacheFlag) return path.resolve(cwd, opts.cacheFlag)
  const { SKIFF_CACHE_DIR, XDG_CACHE_HOME } = opts.env
  if (SKIFF_CACHE_DIR) return path.resolve(cwd, SKIFF_CACHE_DIR)
  if (XDG_CACHE_HOME) return path.resolve(cwd, XDG_CACHE_HOME, 'skiff')
  return path.join(opts.home, '.cache', 'skiff')
}
