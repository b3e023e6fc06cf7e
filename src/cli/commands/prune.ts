import { defineCommand } from 'citty'
import { installArgs, runInstallCommand, workspaceArgs } from '../command-context.ts'
import { runInstallJob } from './install.ts'

const args = { ...installArgs, ...workspaceArgs } as const

export default defineCommand({
  meta: { name: 'prune', description: 'Remove packages that are not in the tree package.json and the lockfile describe (extraneous ones, and with --omit those left out), as `npm prune`' },
  args,
  run: ({ args: flags, rawArgs }) =>
    runInstallCommand({
      name: 'prune',
      args: flags,
      rawArgs,
      argDefs: args,
      // the tree as the lockfile has it: what node_modules holds beyond it goes; package.json and the lockfile stay
      run: (context, reporter) => runInstallJob('prune', { flags: { ...flags, save: false }, rawArgs, saveLockfile: false }, context, reporter),
    }),
})
