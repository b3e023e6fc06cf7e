import { defineCommand } from 'citty'
import { globalArg, installArgs, runInstallCommand } from '../command-context.ts'
import { runInstallJob, saveArgs } from './install.ts'

const args = {
  ...installArgs,
  ...saveArgs,
  ...globalArg,
  save: { type: 'boolean', description: 'also write the updated ranges into package.json' },
  packages: { type: 'positional', required: false, description: 'names to update (default: everything)' },
} as const

export default defineCommand({
  meta: { name: 'update', description: 'Update packages to the newest versions package.json allows, in the lockfile and node_modules' },
  args,
  run: ({ args: flags, rawArgs }) => {
    const names = (flags._ ?? []).filter((arg: string) => arg !== '')
    return runInstallCommand({
      name: 'update',
      args: flags,
      rawArgs,
      argDefs: args,
      run: (context, reporter) => runInstallJob('update', { flags, rawArgs, update: { all: names.length === 0, names } }, context, reporter),
    })
  },
})
