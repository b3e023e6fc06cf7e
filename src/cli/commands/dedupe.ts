import { defineCommand } from 'citty'
import { nameFromLocation, readLockfile } from '../../lockfile/index.ts'
import { installArgs, runInstallCommand } from '../command-context.ts'
import { runInstallJob, saveArgs } from './install.ts'

const args = { ...installArgs, 'package-lock-only': saveArgs['package-lock-only'] } as const

export default defineCommand({
  meta: { name: 'dedupe', description: 'Reduce duplicated packages: update every name installed more than once, preferring copies higher up' },
  args,
  run: ({ args: flags, rawArgs }) =>
    runInstallCommand({
      name: 'dedupe',
      args: flags,
      rawArgs,
      argDefs: args,
      async run(context, reporter) {
        // npm dedupe: every package name that occurs more than once in the tree, updated with preferDedupe
        const lock = await readLockfile(context.config.projectDir)
        const counts = new Map<string, number>()
        for (const [location, entry] of lock?.packages ?? []) {
          if (location === '' || entry.link) continue
          const name = entry.name ?? nameFromLocation(location)
          counts.set(name, (counts.get(name) ?? 0) + 1)
        }
        const names = [...counts].filter(([, count]) => count > 1).map(([name]) => name)
        return runInstallJob('dedupe', { flags: { ...flags, save: false }, rawArgs, update: { all: false, names }, preferDedupe: true, saveLockfile: true }, context, reporter)
      },
    }),
})
