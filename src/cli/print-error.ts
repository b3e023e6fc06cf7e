/**
 * The one place an error becomes text: code and message first, then the hint, the detail
 * lines and the chain of causes. Secrets are removed on the way out.
 */
import { asEnvironmentError, isSkiffError, type Places, type SkiffError } from '../error/index.ts'

export interface PrintedError {
  text: string
  json: { code: string; message: string; hint?: string; lines?: string[]; causes: string[] }
  exitCode: number
}

/**
 * `places`: the cache and the project, so that a fault of the machine (a full disk, a read-only
 * or unwritable folder, ...) is told as one paragraph naming the one involved.
 */
export function formatError(thrown: unknown, redact: (text: string) => string, places: Places = {}): PrintedError {
  const error = asEnvironmentError(thrown, places) ?? thrown
  const causes = causeChain(error).map((cause) => redact(describe(cause)))
  if (!isSkiffError(error)) {
    const message = redact(error instanceof Error ? (error.stack ?? error.message) : String(error))
    return {
      text: `error EINTERNAL ${message}\n  hint: this is a bug in skiff; please report it with the command you ran`,
      json: { code: 'EINTERNAL', message, causes },
      exitCode: 1,
    }
  }
  const lines = [`error ${error.code} ${redact(error.message)}`]
  for (const line of error.details.lines ?? []) lines.push(`  ${redact(line)}`)
  for (const cause of causes) lines.push(`  cause: ${cause}`)
  if (error.hint) lines.push(`  hint: ${redact(error.hint)}`)
  return {
    text: lines.join('\n'),
    json: {
      code: error.code,
      message: redact(error.message),
      hint: error.hint === undefined ? undefined : redact(error.hint),
      lines: error.details.lines?.map(redact),
      causes,
    },
    exitCode: exitCodeOf(error),
  }
}

function exitCodeOf(error: SkiffError): number {
  if (error.code === 'EABORT') return 130
  return 1
}

function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = []
  let current = error instanceof Error ? error.cause : undefined
  while (current !== undefined && chain.length < 5) {
    chain.push(current)
    current = current instanceof Error ? current.cause : undefined
  }
  return chain
}

function describe(cause: unknown): string {
  if (isSkiffError(cause)) return `${cause.code} ${cause.message}`
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code
    // node:fs and fetch errors already begin with their code ("ENOENT: no such file...")
    return typeof code === 'string' && !cause.message.startsWith(code) ? `${code} ${cause.message}` : cause.message
  }
  return String(cause)
}
