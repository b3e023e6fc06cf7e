/**
 * Splits the arguments of `run`, `exec`, `rebuild` and `install-scripts` the way npm reads
 * them: `--flag`, `--no-flag`, `--key=value`, `--key value` (for keys that take a value),
 * short aliases (`-w x`, `-p x`, `-c x`, `-y`), positionals, and everything after `--`
 * untouched. With `stopAtCommand` (exec, like npx), the first positional and all that follows
 * belong to the command. Keys that repeat (`-w a -w b`) keep every value.
 */
import { SkiffError } from '../error/index.ts'

export interface CommandLineSpec {
  /** keys that take a value */
  strings: readonly string[]
  /** keys whose values accumulate */
  repeatable?: readonly string[]
  /** short or alternative names: { w: 'workspace', ws: 'workspaces' } */
  aliases?: Readonly<Record<string, string>>
  stopAtCommand?: boolean
}

export interface CommandLine {
  /** last value of each flag (true / false for switches) */
  flags: Record<string, string | boolean>
  /** every value of repeatable flags */
  lists: Record<string, string[]>
  positionals: string[]
  /** after `--` (or, with stopAtCommand, from the first positional on) */
  rest: string[]
  /** `--` was given */
  dashDash: boolean
}

export function parseCommandLine(rawArgs: readonly string[], spec: CommandLineSpec): CommandLine {
  const line: CommandLine = { flags: {}, lists: {}, positionals: [], rest: [], dashDash: false }
  const canonical = (name: string) => spec.aliases?.[name] ?? name
  const set = (key: string, value: string | boolean) => {
    line.flags[key] = value
    if (typeof value === 'string' && spec.repeatable?.includes(key)) (line.lists[key] ??= []).push(value)
  }
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i] as string
    if (arg === '--') {
      line.dashDash = true
      line.rest.push(...rawArgs.slice(i + 1))
      break
    }
    if (!arg.startsWith('-') || arg === '-') {
      if (spec.stopAtCommand) {
        line.rest.push(...rawArgs.slice(i))
        break
      }
      line.positionals.push(arg)
      continue
    }
    const body = arg.replace(/^--?/, '')
    const equals = body.indexOf('=')
    const rawName = equals === -1 ? body : body.slice(0, equals)
    const negated = rawName.startsWith('no-') && !spec.strings.includes(canonical(rawName))
    const key = canonical(negated ? rawName.slice(3) : rawName)
    if (equals !== -1) {
      set(key, body.slice(equals + 1))
      continue
    }
    if (negated) {
      set(key, false)
      continue
    }
    if (spec.strings.includes(key)) {
      const value = rawArgs[i + 1]
      if (value === undefined) throw new SkiffError('EUSAGE', `--${key} needs a value`)
      set(key, value)
      i++
      continue
    }
    set(key, true)
  }
  return line
}
