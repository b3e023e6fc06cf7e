/**
 * node:zlib, loaded the first time a tarball needs it: importing it costs ~13 ms of CPU at
 * start-up (measured in the compiled binary), which an install that extracts nothing — a warm
 * one — need not pay.
 */
import type * as Zlib from 'node:zlib'

let loaded: typeof Zlib | undefined

export function nodeZlib(): typeof Zlib {
  loaded ??= require('node:zlib') as typeof Zlib
  return loaded
}
