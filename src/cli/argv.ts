/**
 * Reads a command line the way npm's nopt does, before any command parses it (pure):
 *
 * 1. `splitCommand`: the command is the first word that is neither a flag nor a flag's value,
 *    so `skiff --prefix ../client install` and `skiff -w foo install` find `install`
 *    (`--prefix` and `-w` take a value, by npm's table).
 * 2. `normalizeArgs`: every flag is written out in one form, `--key`, `--no-key` or
 *    `--key=value`: the command's own aliases (`-D`), npm's shorthands (`-d` is
 *    `--loglevel=info`, `-s` `--loglevel=silent`, `-g` `--global`), letters run together
 *    (`-DE`), unique abbreviations (`--prod`), and `--flag value`. A flag neither npm nor the
 *    command knows is left out and reported, as npm warns `Unknown cli config "--x"`; a word
 *    after it stays a positional, as npm says too.
 */
import { NPM_FLAGS, NPM_SHORTHANDS, skiffSettingKind, SKIFF_SETTINGS, type FlagKind } from '../config/index.ts'
import { closeMatches } from '../error/index.ts'

/** A command's own flags: kind by long name, and its short or other names. */
export interface OwnFlags {
  kinds: ReadonlyMap<string, FlagKind>
  aliases: ReadonlyMap<string, string>
}

export interface NormalizeOptions {
  /** exec: the first positional and all after it belong to the command that runs */
  stopAtPositional?: boolean
  /** other spellings of flags that win over npm's (`d` and `dev` for `--save-dev` when adding packages) */
  spellings?: Readonly<Record<string, string>>
}

export interface NormalizedArgs {
  args: string[]
  /** `--version`, `-v` or `-V` was given */
  version: boolean
  /** `--help`, `-h`, `-?`, `-H` or `--usage` */
  help: boolean
  /** positionals, in order (before `--`, and before the command of exec) */
  positionals: string[]
  /** flags as typed that nothing knows, each with the closest known flag if there is one */
  unknown: Array<{ flag: string; suggestion?: string; valueTakenAsPositional?: string }>
}

interface Resolved {
  /** the long name, or undefined for an unknown flag */
  key: string | undefined
  kind: FlagKind
  negated: boolean
  /** a value the spelling carries (`-d` is `--loglevel info`) */
  value?: string
}

export function splitCommand(rawArgs: readonly string[]): { command: string | undefined; before: string[]; after: string[] } {
  const before: string[] = []
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i] as string
    if (arg === '--') return { command: undefined, before: [...rawArgs], after: [] }
    if (!isFlag(arg)) return { command: arg, before, after: rawArgs.slice(i + 1) }
    before.push(arg)
    if (arg.includes('=')) continue
    const resolved = resolveFlag(arg, EMPTY_OWN, {})
    const next = rawArgs[i + 1]
    if (next !== undefined && takesNext(resolved, next)) {
      before.push(next)
      i++
    }
  }
  return { command: undefined, before, after: [] }
}

export function normalizeArgs(rawArgs: readonly string[], own: OwnFlags, options: NormalizeOptions = {}): NormalizedArgs {
  const result: NormalizedArgs = { args: [], version: false, help: false, positionals: [], unknown: [] }
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i] as string
    if (arg === '--') {
      result.args.push(...rawArgs.slice(i))
      break
    }
    if (!isFlag(arg)) {
      if (options.stopAtPositional) {
        result.args.push(...rawArgs.slice(i))
        break
      }
      result.positionals.push(arg)
      result.args.push(arg)
      continue
    }
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1
    const flags = expandShort(arg, own, options.spellings ?? {})
    for (const [index, resolved] of flags.entries()) {
      const last = index === flags.length - 1
      if (resolved.key === undefined) {
        const next = rawArgs[i + 1]
        const positional = last && equals === -1 && next !== undefined && !isFlag(next) ? next : undefined
        result.unknown.push({ flag: equals === -1 ? arg : arg.slice(0, equals), ...suggestionFor(arg, own), ...(positional === undefined ? {} : { valueTakenAsPositional: positional }) })
        continue
      }
      let value = resolved.value
      if (value === undefined && last && equals !== -1) value = arg.slice(equals + 1)
      else if (value === undefined && last) {
        const next = rawArgs[i + 1]
        if (next !== undefined && takesNext(resolved, next)) {
          value = next
          i++
        }
      }
      if (resolved.key === 'version' && !resolved.negated && value !== 'false') result.version = true
      if (resolved.key === 'usage' || resolved.key === 'help') {
        result.help = true
        continue
      }
      result.args.push(written(resolved, value))
    }
  }
  return result
}

/** An own-flags description from citty's argument definitions. */
export function ownFlagsOf(argDefs: Readonly<Record<string, { type?: string; alias?: string | readonly string[] }>>): OwnFlags {
  const kinds = new Map<string, FlagKind>()
  const aliases = new Map<string, string>()
  for (const [name, def] of Object.entries(argDefs)) {
    if (def.type === 'positional') continue
    kinds.set(name, def.type === 'boolean' ? 'switch' : 'value')
    const list = def.alias === undefined ? [] : typeof def.alias === 'string' ? [def.alias] : def.alias
    for (const alias of list) aliases.set(alias, name)
  }
  return { kinds, aliases }
}

const EMPTY_OWN: OwnFlags = { kinds: new Map(), aliases: new Map() }

function isFlag(arg: string): boolean {
  return arg.startsWith('-') && arg !== '-'
}

/** `--flag value`: a value flag takes the next word unless it is a flag; a switch takes `true` or `false`. */
function takesNext(resolved: Resolved, next: string): boolean {
  if (resolved.value !== undefined || resolved.negated) return false
  if (resolved.key === undefined) return false
  if (resolved.kind === 'value') return !isFlag(next)
  if (resolved.key === 'color') return next === 'always' || next === 'true' || next === 'false'
  return next === 'true' || next === 'false'
}

function written(resolved: Resolved, value: string | undefined): string {
  const key = resolved.key as string
  if (resolved.negated) return `--no-${key}`
  if (value === undefined) return resolved.kind === 'value' ? `--${key}=` : `--${key}`
  return `--${key}=${value}`
}

/** One token becomes one flag, or several when single letters run together (`-DE`). */
function expandShort(arg: string, own: OwnFlags, spellings: Readonly<Record<string, string>>): Resolved[] {
  if (arg.startsWith('--')) return [resolveFlag(arg, own, spellings)]
  const whole = resolveFlag(arg, own, spellings)
  const letters = arg.slice(1).split('=')[0] ?? ''
  if (whole.key !== undefined || letters.length < 2) return [whole]
  const each = [...letters].map((letter) => resolveFlag(`-${letter}`, own, spellings))
  return each.every((flag) => flag.key !== undefined) ? each : [whole]
}

function resolveFlag(arg: string, own: OwnFlags, spellings: Readonly<Record<string, string>>): Resolved {
  const long = arg.startsWith('--')
  const body = arg.replace(/^--?/, '').split('=')[0] ?? ''
  const spelled = spellings[body]
  if (spelled !== undefined) return resolveFlag(spelled, own, {})
  if (!long) {
    const aliasOf = own.aliases.get(body)
    if (aliasOf !== undefined) return { key: aliasOf, kind: own.kinds.get(aliasOf) ?? 'switch', negated: false }
    if (body === 'V') return { key: 'version', kind: 'switch', negated: false }
    const shorthand = NPM_SHORTHANDS[body]
    return shorthand ? fromShorthand(shorthand, own) : { key: undefined, kind: 'switch', negated: false }
  }
  const direct = knownKind(body, own)
  if (direct !== undefined) return { key: own.aliases.get(body) ?? body, kind: direct, negated: false }
  const shorthand = NPM_SHORTHANDS[body]
  if (shorthand && body.length > 1) return fromShorthand(shorthand, own)
  if (body.startsWith('no-')) {
    const positive = resolveFlag(`--${body.slice(3)}`, own, {})
    if (positive.key !== undefined && positive.value === undefined) return { ...positive, negated: !positive.negated }
  }
  const abbreviated = uniquePrefix(body, own)
  if (abbreviated !== undefined) return { key: abbreviated, kind: knownKind(abbreviated, own) ?? 'switch', negated: false }
  return { key: undefined, kind: 'switch', negated: false }
}

function fromShorthand(expansion: readonly string[], own: OwnFlags): Resolved {
  const [flag = '', value] = expansion
  const resolved = resolveFlag(flag, own, {})
  return value === undefined ? resolved : { ...resolved, value }
}

function knownKind(key: string, own: OwnFlags): FlagKind | undefined {
  const aliasOf = own.aliases.get(key)
  // skiff's own settings (config definitions) are valid wherever npm's are
  return own.kinds.get(aliasOf ?? key) ?? NPM_FLAGS.get(key) ?? skiffSettingKind(key)
}

function allKeys(own: OwnFlags): string[] {
  return [...new Set([...own.kinds.keys(), ...NPM_FLAGS.keys(), ...SKIFF_SETTINGS])]
}

/** nopt expands an abbreviation that only one known key starts with. */
function uniquePrefix(body: string, own: OwnFlags): string | undefined {
  if (body.length < 2) return undefined
  const matches = allKeys(own).filter((key) => key.startsWith(body))
  return matches.length === 1 ? matches[0] : undefined
}

function suggestionFor(arg: string, own: OwnFlags): { suggestion?: string } {
  if (!arg.startsWith('--')) return {}
  const body = arg.slice(2).split('=')[0] ?? ''
  const [best] = closeMatches(body, allKeys(own))
  return best === undefined ? {} : { suggestion: `--${best}` }
}
