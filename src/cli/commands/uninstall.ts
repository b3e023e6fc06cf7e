import { defineCommand } from 'citty'
import { SkiffError } from '../../error/index.ts'
import { globalArg, installArgs, runInstallCommand, workspaceArgs } from '../command-context.ts'
import { runInstallJob, saveArgs } from './install.ts'

const args = {
  ...installArgs,
  save: saveArgs.save,
  'package-lock-only': saveArgs['package-lock-only'],
  ...workspaceArgs,
  ...globalArg,
  packages: { type: 'positional', required: false, description: 'names of the dependencies to remove' },
} as const

export default defineCommand({
  meta: { name: 'uninstall', description: 'Remove dependencies from package.json, the lockfile and node_modules' },
  args,
  run: ({ args: flags, rawArgs }) => {
    const names = (flags._ ?? []).filter((arg: string) => arg !== '')
    if (names.length === 0) throw new SkiffError('EUSAGE', 'skiff uninstall needs the names of the packages to remove')
    return runInstallCommand({
      name: 'uninstall',
      args: flags,
      rawArgs,
      argDefs: args,
      run: (context, reporter) => runInstallJob('uninstall', { flags, rawArgs, remove: names }, context, reporter),
    })
  },
})
