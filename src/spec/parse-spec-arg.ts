/**
 * parseSpecArg(arg, where): a package as typed on a command line (`react@19`, `@types/node@^20`,
 * `npm:foo@1`, `github:u/p#v1`, `git@host:repo.git`, `./local`, `https://x/y.tgz`), split into
 * name and spec the way npm splits it, then classified like a package.json spec.
 */
import { classifySpec, contextFor, splitNameAndSpec } from './parse-spec.ts'
import type { Spec } from './types.ts'

export function parseSpecArg(arg: string, where?: string, homeDir?: string): Spec {
  return classifySpec(splitNameAndSpec(arg), contextFor(where, homeDir))
}
