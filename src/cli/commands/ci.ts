import { defineCommand } from 'citty'
import { ci } from '../../install/ci.ts'
import { installArgs, reifySummary, runInstallCommand } from '../command-context.ts'

export default defineCommand({
  meta: {
    name: 'ci',
    description: 'Install exactly what package-lock.json (or npm-shrinkwrap.json) says, as `npm ci` does',
  },
  args: installArgs,
  run: ({ args, rawArgs }) =>
    runInstallCommand({
      name: 'ci',
      args,
      rawArgs,
      argDefs: installArgs,
      async run({ config, planOptions, services }) {
        const result = await ci({ projectDir: config.projectDir, legacyPeerDeps: config.legacyPeerDeps, plan: planOptions }, services)
        return reifySummary('ci', result, result.plan.installed)
      },
    }),
})
