/**
 * What the worker pools behind the lanes (extraction, linking, packument reading) share.
 *
 * workerEntryUrl: where a worker's module is. From source (bun run, bun test) it sits beside
 * the module that starts it. In a `bun build --compile` binary it is an extra entry point of
 * the build, named flat (`naming: { entry: '[name].[ext]' }`), beside the main bundle:
 * `<dir of Bun.main>/<name>.js`. The caller's `import.meta.url` only names the file there: with
 * `--bytecode` it is frozen to the build machine's source path.
 *
 * transferable: the buffer to hand to a worker without a copy, when the bytes are all of it
 * (a view into a larger buffer is copied instead).
 */
import path from 'node:path'

/** `source`: the worker module beside the caller, `new URL('./x-worker.ts', import.meta.url)`. */
export function workerEntryUrl(source: URL): string {
  if (!Bun.isStandaloneExecutable) return source.href
  return path.join(path.dirname(Bun.main), `${path.basename(source.pathname, '.ts')}.js`)
}

export function transferable(bytes: Uint8Array): ArrayBuffer[] {
  const buffer = bytes.buffer
  return buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength ? [buffer] : []
}
