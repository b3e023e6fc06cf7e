import path from 'node:path'
import { existsSync } from 'node:fs'
import { defineCommand, type ArgsDef, type CommandDef } from 'citty'
import {
  dependencyOrder,
  findWorkspaceFolders,
  listScripts,
  readManifest,
  runPackageScript,
  selectWorkspaces,
  type RunResult,
} from '../../scripts/index.ts'
import { configFlags, createScriptHost } from '../../scripts/command-host.ts'
import { parseCommandLine } from '../../scripts/parse-command-line.ts'
import { formatError } from '../print-error.ts'
import { shouldColor } from '../../ui/color.ts'
import { prefixArg, processContext } from '../command-context.ts'

const runArgs = {
  event: { type: 'positional', required: false, description: 'the script to run; none lists the scripts' },
  'if-present': { type: 'boolean', description: 'do nothing when the script is missing' },
  'ignore-scripts': { type: 'boolean', description: 'skip the pre and post scripts' },
  'foreground-scripts': { type: 'boolean', description: 'accepted for npm compatibility' },
  'script-shell': { type: 'string', description: 'the shell scripts run in (default sh)' },
  workspace: { type: 'string', alias: 'w', description: 'run in this workspace (name or folder; repeatable)' },
  workspaces: { type: 'boolean', description: 'run in every workspace, dependencies first' },
  'include-workspace-root': { type: 'boolean', description: 'with -w / --workspaces, the root project too' },
  json: { type: 'boolean', description: 'list the scripts as JSON' },
  parseable: { type: 'boolean', description: 'list the scripts as name:script lines' },
  silent: { type: 'boolean', description: 'no banners' },
  ...prefixArg,
} satisfies ArgsDef

const OWN_FLAGS = ['workspace', 'workspaces', 'include-workspace-root', 'json', 'parseable']

/** `skiff run` and the commands that are `skiff run <name>`: test, start, stop, restart. */
export function scriptCommand(name: 'run' | 'test' | 'start' | 'stop' | 'restart'): CommandDef<ArgsDef> {
  const description = name === 'run'
    ? 'Run a script of package.json (with its pre and post scripts), or list the scripts'
    : `Run the "${name}" script of package.json, as \`skiff run ${name}\``
  return defineCommand({
    meta: { name, description },
    args: name === 'run' ? runArgs : { ...runArgs, event: { type: 'positional', required: false, description: 'arguments for the script' } },
    run: ({ rawArgs }) => runCommand(name, name === 'run' ? rawArgs : [name, ...rawArgs]),
  }) as CommandDef<ArgsDef>
}

export default scriptCommand('run')

async function runCommand(command: string, rawArgs: readonly string[]): Promise<number> {
  // -s / --silent (run-cli writes both as --loglevel=silent): the scripts' own output only, errors too (npm)
  let silent = rawArgs.includes('--silent') || rawArgs.includes('--loglevel=silent')
  const printError = (error: unknown) => reportError(error, silent)
  const finish = (result: RunResult, dir: string, workspace?: string) => finishRun(result, { dir, workspace, silent })
  try {
    const line = parseCommandLine(rawArgs, {
      strings: ['script-shell', 'workspace', 'prefix', 'loglevel', 'registry', 'cache'],
      repeatable: ['workspace'],
      aliases: { w: 'workspace', ws: 'workspaces', iwr: 'include-workspace-root' },
    })
    const [event, ...extra] = line.positionals
    const args = [...extra, ...line.rest]
    const host = await createScriptHost({
      ...processContext(),
      command,
      flags: configFlags(line.flags, OWN_FLAGS),
      color: shouldColor(line.flags.color, process.stdout.isTTY, process.env),
      ...(silent ? {} : { banner: (text: string) => process.stdout.write(text) }),
    })
    silent ||= host.config.loglevel === 'silent'
    const ignoreScripts = host.config.ignoreScripts
    const ifPresent = line.flags['if-present'] === true
    const filters = line.lists.workspace ?? []
    const inWorkspaces = filters.length > 0 || line.flags.workspaces === true
    const prefix = typeof line.flags.prefix === 'string' ? path.resolve(line.flags.prefix) : undefined

    if (!inWorkspaces) {
      const dir = prefix ?? nearestPackageDir(process.cwd()) ?? host.config.projectDir
      if (event === undefined) return await printList([{ dir }], line.flags, silent)
      const result = await runPackageScript(host.run, { dir, event, args, ifPresent, ignoreScripts, skiff: host.skiff })
      return finish(result, dir)
    }

    const rootDir = prefix ?? host.config.projectDir
    const all = await findWorkspaceFolders(rootDir, await readManifest(rootDir))
    const selected = dependencyOrder(selectWorkspaces(all, filters, process.cwd()))
    const targets = [
      ...(line.flags['include-workspace-root'] === true ? [{ dir: rootDir, workspace: undefined }] : []),
      ...selected.map((workspace) => ({ dir: workspace.dir, workspace: workspace.name })),
    ]
    if (event === undefined) return await printList(targets, line.flags, silent)
    let code = 0
    for (const target of targets) {
      try {
        const result = await runPackageScript(host.run, { ...target, event, args, ifPresent, ignoreScripts, skiff: host.skiff })
        if (result.code !== 0) code = finish(result, target.dir, target.workspace)
      } catch (error) {
        code = printError(error)
      }
    }
    return code
  } catch (error) {
    return printError(error)
  }
}

function finishRun(result: RunResult, { dir, workspace, silent }: { dir: string; workspace: string | undefined; silent: boolean }): number {
  if (result.code === 0) return 0
  const how = result.signal ? `was stopped by ${result.signal}` : `failed with exit code ${result.code}`
  const lines = [`error ELIFECYCLE Lifecycle script \`${result.failed}\` ${how}`, `  path: ${dir}`]
  if (workspace !== undefined) lines.push(`  workspace: ${workspace}`)
  if (!silent) process.stderr.write(`${lines.join('\n')}\n`)
  if (result.signal && workspace === undefined) {
    // end as the script did, so a shell sees the signal (npm re-raises it on itself)
    process.kill(process.pid, result.signal as NodeJS.Signals)
  }
  return result.code
}

async function printList(targets: ReadonlyArray<{ dir: string; workspace?: string }>, flags: Readonly<Record<string, string | boolean>>, silent: boolean): Promise<number> {
  if (silent) return 0
  if (flags.json === true) {
    const documents: Record<string, unknown> = {}
    for (const target of targets) {
      const scripts = (await readManifest(target.dir)).scripts ?? {}
      if (target.workspace === undefined && targets.length === 1) {
        process.stdout.write(`${JSON.stringify(scripts, null, 2)}\n`)
        return 0
      }
      documents[target.workspace ?? '.'] = scripts
    }
    process.stdout.write(`${JSON.stringify(documents, null, 2)}\n`)
    return 0
  }
  const blocks: string[] = []
  for (const target of targets) {
    const lines = listScripts(await readManifest(target.dir), flags.parseable === true ? 'parseable' : 'text', target.workspace)
    if (lines.length > 0) blocks.push(lines.join('\n'))
  }
  if (blocks.length > 0) process.stdout.write(`${blocks.join('\n\n')}\n`)
  return 0
}

function nearestPackageDir(from: string): string | undefined {
  let current = path.resolve(from)
  for (;;) {
    if (existsSync(path.join(current, 'package.json'))) return current
    const parent = path.dirname(current)
    if (parent === current) return undefined
    current = parent
  }
}

function reportError(error: unknown, silent: boolean): number {
  const printed = formatError(error, (text) => text)
  if (!silent) process.stderr.write(`${printed.text}\n`)
  return printed.exitCode
}
