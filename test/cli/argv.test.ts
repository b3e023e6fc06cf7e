import { describe, expect, test } from 'bun:test'
import { normalizeArgs, ownFlagsOf, splitCommand } from '../../src/cli/argv.ts'
import { closeMatches } from '../../src/error/index.ts'

const installOwn = ownFlagsOf({
  'save-dev': { type: 'boolean', alias: 'D' },
  'save-exact': { type: 'boolean', alias: 'E' },
  workspace: { type: 'string', alias: 'w' },
  global: { type: 'boolean', alias: 'g' },
  backend: { type: 'string' },
  packages: { type: 'positional' },
})

describe('splitCommand', () => {
  test.each([
    [['--prefix', '../client', 'install'], 'install', ['--prefix', '../client'], []],
    [['-w', 'foo', 'install', 'x'], 'install', ['-w', 'foo'], ['x']],
    [['-C', 'dir', 'ls', '--all'], 'ls', ['-C', 'dir'], ['--all']],
    [['--global', 'true', 'ls'], 'ls', ['--global', 'true'], []],
    [['-g', 'ls'], 'ls', ['-g'], []],
    [['--prefix=x', 'ci'], 'ci', ['--prefix=x'], []],
    [['--unknown-flag', 'install'], 'install', ['--unknown-flag'], []],
    [['--', 'install'], undefined, ['--', 'install'], []],
  ])('%j: the command is %s', (rawArgs, command, before, after) => {
    expect(splitCommand(rawArgs)).toEqual({ command, before, after })
  })
})

describe('normalizeArgs', () => {
  test.each([
    ['own aliases', ['-D', 'x'], ['--save-dev', 'x']],
    ['letters run together', ['-DE', 'x'], ['--save-dev', '--save-exact', 'x']],
    ["npm's shorthands", ['-d', '-s', '-q'], ['--loglevel=info', '--loglevel=silent', '--loglevel=warn']],
    ['a value flag takes the next word', ['-w', 'a', '--workspace', 'b'], ['--workspace=a', '--workspace=b']],
    ['a switch takes a following true or false', ['--save-dev', 'false', 'x'], ['--save-dev=false', 'x']],
    ['negation', ['--no-save', '--no-color'], ['--no-save', '--no-color']],
    ['a unique abbreviation', ['--prod'], ['--production']],
    ['npm keys no command lists', ['--fetch-retries', '5', '--no-audit', '--fund=false'], ['--fetch-retries=5', '--no-audit', '--fund=false']],
    ["skiff's own settings", ['--lock-timeout', '10', '--no-native-io'], ['--lock-timeout=10', '--no-native-io']],
    ['everything after -- untouched', ['x', '--', '-D', '--foo'], ['x', '--', '-D', '--foo']],
  ])('%s', (_name, rawArgs, args) => {
    const line = normalizeArgs(rawArgs, installOwn)
    expect(line.args).toEqual(args)
    expect(line.unknown).toEqual([])
  })

  test('an unknown flag is left out and reported with the closest known one; the word after it stays a positional', () => {
    const line = normalizeArgs(['--save-dve', 'lodash'], installOwn)
    expect(line.args).toEqual(['lodash'])
    expect(line.positionals).toEqual(['lodash'])
    expect(line.unknown).toEqual([{ flag: '--save-dve', suggestion: '--save-dev', valueTakenAsPositional: 'lodash' }])
    expect(normalizeArgs(['--deph=0'], installOwn).unknown).toEqual([{ flag: '--deph', suggestion: '--depth' }])
  })

  test('--version, -v and -V anywhere ask for the version; --help, -h and --usage for help', () => {
    for (const flag of ['--version', '-v', '-V']) expect(normalizeArgs(['x', flag], installOwn).version).toBe(true)
    for (const flag of ['--help', '-h', '--usage', '-?']) expect(normalizeArgs([flag], installOwn).help).toBe(true)
  })

  test("exec's command keeps its own flags", () => {
    const line = normalizeArgs(['-y', 'tsc', '--version', '-D'], ownFlagsOf({ yes: { type: 'boolean', alias: 'y' } }), { stopAtPositional: true })
    expect(line.args).toEqual(['--yes', 'tsc', '--version', '-D'])
    expect(line.version).toBe(false)
  })

  test("bun's spellings win when given", () => {
    const spellings = { d: '--save-dev', dev: '--save-dev', exact: '--save-exact' }
    expect(normalizeArgs(['-d', 'chalk', '--exact'], installOwn, { spellings }).args).toEqual(['--save-dev', 'chalk', '--save-exact'])
    expect(normalizeArgs(['--dev', 'chalk'], installOwn, { spellings }).args).toEqual(['--save-dev', 'chalk'])
  })
})

test('closeMatches: within 0.4 of the typed length, as npm suggests, closest first', () => {
  expect(closeMatches('instll', ['uninstall', 'install', 'ci'])).toEqual(['install'])
  expect(closeMatches('xyz', ['install'])).toEqual([])
})
