import { defineCommand } from 'citty'
import { ci } from '../../install/ci.ts'
import { installArgs, reifySummary, runInstallCommand, workspaceArgs, workspaceChoice } from '../command-context.ts'

const args = { ...installArgs, ...workspaceArgs } as const

export default defineCommand({
  meta: {
    name: 'ci',
    description: 'Install exactly what package-lock.json (or npm-shrinkwrap.json) says, as `npm ci` does',
  },
  args,
  run: ({ args: flags, rawArgs }) =>
    runInstallCommand({
      name: 'ci',
      args: flags,
      rawArgs,
      argDefs: args,
      async run(context) {
        const { config, planOptions, services } = context
        const workspaces = workspaceChoice(flags, rawArgs)
        const result = await ci({ projectDir: config.projectDir, legacyPeerDeps: config.legacyPeerDeps, omitLockfileRegistryResolved: config.omitLockfileRegistryResolved, plan: planOptions, workspaces, nativeIo: config.nativeIo }, { ...services, inflater: async () => (await import('../resolve-context.ts')).lockInflaterFor(context) })
        return reifySummary('ci', result, result.plan.installed, config.projectDir)
      },
    }),
})
