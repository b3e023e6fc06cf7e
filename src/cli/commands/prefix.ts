import path from 'node:path'
import { defineCommand, type ArgsDef, type CommandDef } from 'citty'
import { globalArg, loadCommandConfig, npmFlags, prefixArg } from '../command-context.ts'

const whereArgs = { ...globalArg, ...prefixArg } satisfies ArgsDef

/** `skiff prefix` and `skiff root`, as npm prints them: the project folder and its node_modules, or with -g the global ones. */
function whereCommand(name: 'prefix' | 'root'): CommandDef<ArgsDef> {
  return defineCommand({
    meta: {
      name,
      description: name === 'prefix'
        ? 'Print the project folder (the nearest with a package.json), or with -g the global prefix'
        : 'Print the node_modules folder packages are installed into, or with -g the global one',
    },
    args: whereArgs,
    async run({ rawArgs }) {
      const config = await loadCommandConfig(npmFlags(rawArgs, whereArgs))
      const base = config.global ? config.globalPrefix : config.projectDir
      // the global tree is <prefix>/lib, whose node_modules holds the global packages
      const folder = name === 'prefix' ? base : config.global ? path.join(base, 'lib', 'node_modules') : path.join(base, 'node_modules')
      process.stdout.write(`${folder}\n`)
      return 0
    },
  }) as CommandDef<ArgsDef>
}

export const prefix = whereCommand('prefix')
export const root = whereCommand('root')
