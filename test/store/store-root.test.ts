import { describe, expect, test } from 'bun:test'
import { storeRoot } from '../../src/store/index.ts'

const home = '/home/u'
const cwd = '/work/p'

describe('storeRoot', () => {
  test.each([
    ['the --cache flag wins over everything', { cacheFlag: '/ci/cache', env: { SKIFF_CACHE_DIR: '/s', XDG_CACHE_HOME: '/x' } }, '/ci/cache'],
    ['a relative --cache is taken from the working folder', { cacheFlag: '.cache', env: {} }, '/work/p/.cache'],
    ['then $SKIFF_CACHE_DIR', { env: { SKIFF_CACHE_DIR: '/s', XDG_CACHE_HOME: '/x' } }, '/s'],
    ['then $XDG_CACHE_HOME/skiff', { env: { XDG_CACHE_HOME: '/x' } }, '/x/skiff'],
    ['then ~/.cache/skiff', { env: {} }, '/home/u/.cache/skiff'],
    ['empty variables count as unset', { cacheFlag: '', env: { SKIFF_CACHE_DIR: '', XDG_CACHE_HOME: '' } }, '/home/u/.cache/skiff'],
  ])('%s', (_name, opts, expected) => {
    expect(storeRoot({ ...opts, home, cwd })).toBe(expected)
  })
})
