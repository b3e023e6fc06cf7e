/**
 * Where the link worker's module is. From source (bun run, bun test) it sits next to this
 * file. In a `bun build --compile` binary it is an extra entry point of the build, named flat
 * (`naming: { entry: '[name].[ext]' }`), so it sits beside the main bundle at
 * `<dir of Bun.main>/link-worker.js`. `import.meta.url` cannot be used there: with
 * `--bytecode` it is frozen to the build machine's source path.
 */
import path from 'node:path'

export function linkWorkerUrl(): string {
  if (Bun.isStandaloneExecutable) return path.join(path.dirname(Bun.main), 'link-worker.js')
  return new URL('./link-worker.ts', import.meta.url).href
}
