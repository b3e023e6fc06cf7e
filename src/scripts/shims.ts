/**
 * Shims that let package scripts run on a machine without Node.js, written once under
 * skiff's cache and put on a script's PATH only for what is missing:
 *   - `node`: the skiff executable with BUN_BE_BUN=1 is the Bun runtime (a symlink named
 *     node would start skiff itself). `--no-env-file` keeps Bun from loading the project's
 *     .env, which node never reads; a first argument that is a file name gets `./`, so
 *     `node install` runs ./install.js as node does instead of Bun's own `install` command.
 *   - `npm`, `npx`: skiff itself (`npm run x`, `npx tool`), with BUN_BE_BUN cleared.
 *   - `node-gyp`: npm's bundled one when npm_config_node_gyp names it; else, when python3,
 *     make and a C++ compiler are all present, node-gyp run through `skiff exec`; else an
 *     error that says the package needs a compiler this machine does not have.
 *   - `npm-cli.js`: npm_execpath, for scripts that run `node "$npm_execpath" run x`.
 * Each file is written to a temporary name and renamed, so concurrent installs never see a
 * half-written shim.
 */
import { accessSync, constants, statSync } from 'node:fs'
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { shellQuote } from './script-env.ts'

/** Bump when the text of any shim changes: a new folder is made, an old one is never rewritten in place. */
const SHIM_REVISION = 2

export interface ShimOptions {
  /** skiff's cache root (the store's) */
  cacheDir: string
  /** how to start skiff: [its executable], or [bun, main.ts] when run from source */
  skiff: readonly string[]
  /** the executable that becomes the Bun runtime with BUN_BE_BUN=1 (process.execPath) */
  runtime: string
}

export interface Shims {
  /** holds node, npm, npx */
  nodeDir: string
  /** holds node-gyp */
  gypDir: string
  node: string
  npmCli: string
}

export interface ShimFile {
  /** relative to the shim folder */
  file: string
  content: string
}

export function shimFolder(options: ShimOptions): string {
  // Bun's hasher: loading node:crypto costs ~2-3 ms of every install's start
  const hash = new Bun.CryptoHasher('sha256').update(JSON.stringify([SHIM_REVISION, options.skiff, options.runtime])).digest('hex').slice(0, 16)
  return path.join(options.cacheDir, 'v1', 'shims', hash)
}

export function shimFiles(options: ShimOptions): ShimFile[] {
  const skiff = options.skiff.map(shellQuote).join(' ')
  const [program = '', ...programArgs] = options.skiff
  return [
    { file: 'node-bin/node', content: nodeShimText(options.runtime) },
    { file: 'node-bin/npm', content: ['#!/bin/sh', 'unset BUN_BE_BUN', `exec ${skiff} "$@"`, ''].join('\n') },
    { file: 'node-bin/npx', content: ['#!/bin/sh', 'unset BUN_BE_BUN', `exec ${skiff} exec "$@"`, ''].join('\n') },
    {
      file: 'gyp-bin/node-gyp',
      content: [
        '#!/bin/sh',
        'if [ -n "$npm_config_node_gyp" ] && [ -f "$npm_config_node_gyp" ]; then exec node "$npm_config_node_gyp" "$@"; fi',
        "missing=''",
        'command -v python3 >/dev/null 2>&1 || command -v python >/dev/null 2>&1 || missing="$missing python3"',
        'command -v make >/dev/null 2>&1 || missing="$missing make"',
        'command -v c++ >/dev/null 2>&1 || command -v g++ >/dev/null 2>&1 || command -v clang++ >/dev/null 2>&1 || missing="$missing c++"',
        'if [ -n "$missing" ]; then',
        '  echo "node-gyp: ${npm_package_name:-this package} has no prebuilt binary for this platform and must be compiled, but there is no C/C++ build toolchain on PATH (missing:$missing)" >&2',
        '  echo "node-gyp: install python3, make and a C++ compiler (for example: apt-get install python3 make g++), or use a version of the package that ships a prebuilt binary" >&2',
        '  exit 1',
        'fi',
        'unset BUN_BE_BUN',
        `exec ${skiff} exec --yes --package node-gyp -- node-gyp "$@"`,
        '',
      ].join('\n'),
    },
    {
      file: 'npm-cli.js',
      content: [
        '#!/usr/bin/env node',
        '// npm_execpath for package scripts: `node "$npm_execpath" run x` runs skiff',
        "const { spawnSync } = require('node:child_process')",
        'const env = { ...process.env }',
        'delete env.BUN_BE_BUN',
        `const result = spawnSync(${JSON.stringify(program)}, [...${JSON.stringify(programArgs)}, ...process.argv.slice(2)], { stdio: 'inherit', env })`,
        'process.exit(result.status ?? 1)',
        '',
      ].join('\n'),
    },
  ]
}

/** The first line after the shebang of every `node` shim: how one is told from a real node. */
export const NODE_SHIM_MARK = '# node: the Bun runtime inside skiff, for a machine without Node.js'

/** A `node` that is `runtime` (skiff's executable) run as the Bun CLI. */
export function nodeShimText(runtime: string): string {
  return [
    '#!/bin/sh',
    NODE_SHIM_MARK,
    `case "$1" in -*|/*|./*|../*|'') ;; *) script="./$1"; shift; set -- "$script" "$@" ;; esac`,
    `BUN_BE_BUN=1 exec ${shellQuote(runtime)} --no-env-file "$@"`,
    '',
  ].join('\n')
}

/** Writes the shims unless the folder already holds exactly these files. */
export async function prepareShims(options: ShimOptions): Promise<Shims> {
  const dir = shimFolder(options)
  for (const { file, content } of shimFiles(options)) {
    const target = path.join(dir, file)
    const existing = await readFile(target, 'utf8').catch(() => undefined)
    if (existing === content) continue
    await mkdir(path.dirname(target), { recursive: true })
    const temp = `${target}.${process.pid}.tmp`
    await writeFile(temp, content)
    await chmod(temp, 0o755)
    await rename(temp, target)
  }
  return {
    nodeDir: path.join(dir, 'node-bin'),
    gypDir: path.join(dir, 'gyp-bin'),
    node: path.join(dir, 'node-bin', 'node'),
    npmCli: path.join(dir, 'npm-cli.js'),
  }
}

/** The first executable file called `name` in a PATH value. */
export function findExecutable(name: string, pathValue: string): string | undefined {
  for (const dir of pathValue.split(path.delimiter)) {
    if (dir === '') continue
    const candidate = path.join(dir, name)
    try {
      if (!statSync(candidate).isFile()) continue
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      continue
    }
  }
  return undefined
}
