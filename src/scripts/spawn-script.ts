/**
 * Runs one script as npm does: `<shell> -c "<script> <quoted args>"` in the package folder.
 *   - 'inherit': the user's terminal (run, exec, root scripts, --foreground-scripts). SIGINT
 *     and SIGTERM sent to skiff are passed to the child, and skiff waits for it to end.
 *   - 'pipe': stdin closed, stdout and stderr kept (the last OUTPUT_TAIL_BYTES, interleaved
 *     as they arrive) for the error report of a failed dependency script.
 * An aborted signal stops the child with SIGTERM.
 */
import type { Env } from './script-env.ts'

const OUTPUT_TAIL_BYTES = 64 * 1024

export interface SpawnScriptOptions {
  /** `sh`, or the `script-shell` setting */
  shell: string
  /** the script, with any arguments already quoted onto it */
  command: string
  cwd: string
  env: Env
  stdio: 'inherit' | 'pipe'
  signal?: AbortSignal
}

export interface ScriptResult {
  /** the exit code; 128 + the signal number when a signal ended it */
  code: number
  /** the signal that ended it, if one did */
  signal: string | null
  /** the end of what it printed ('pipe' only) */
  output: string
}

export async function spawnScript(options: SpawnScriptOptions): Promise<ScriptResult> {
  const piped = options.stdio === 'pipe'
  const child = Bun.spawn([options.shell, '-c', options.command], {
    cwd: options.cwd,
    env: options.env,
    stdin: piped ? 'ignore' : 'inherit',
    stdout: piped ? 'pipe' : 'inherit',
    stderr: piped ? 'pipe' : 'inherit',
  })
  const forward = (signal: NodeJS.Signals) => child.kill(signal)
  if (!piped) {
    process.on('SIGINT', forward)
    process.on('SIGTERM', forward)
  }
  const onAbort = () => child.kill('SIGTERM')
  options.signal?.addEventListener('abort', onAbort, { once: true })
  try {
    const tail = createTail(OUTPUT_TAIL_BYTES)
    const reads = piped ? [drain(child.stdout, tail), drain(child.stderr, tail)] : []
    const code = await child.exited
    await Promise.all(reads)
    return { code, signal: child.signalCode === null ? null : String(child.signalCode), output: tail.text() }
  } finally {
    options.signal?.removeEventListener('abort', onAbort)
    if (!piped) {
      process.off('SIGINT', forward)
      process.off('SIGTERM', forward)
    }
  }
}

interface Tail {
  push(chunk: Uint8Array): void
  text(): string
}

function createTail(limit: number): Tail {
  const chunks: Uint8Array[] = []
  let size = 0
  return {
    push(chunk) {
      chunks.push(chunk)
      size += chunk.byteLength
      while (size > limit && chunks.length > 1) size -= (chunks.shift() as Uint8Array).byteLength
    },
    text() {
      return new TextDecoder().decode(Buffer.concat(chunks)).slice(-limit)
    },
  }
}

async function drain(stream: ReadableStream<Uint8Array> | number | undefined, tail: Tail): Promise<void> {
  if (!(stream instanceof ReadableStream)) return
  for await (const chunk of stream) tail.push(chunk)
}
