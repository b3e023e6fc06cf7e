import { defineCommand } from 'citty'
import { installArgs, runInstallCommand } from '../command-context.ts'

export default defineCommand({
  meta: {
    name: 'ci',
    description: 'Install exactly what package-lock.json (or npm-shrinkwrap.json) says, as `npm ci` does',
  },
  args: installArgs,
  run: ({ args, rawArgs }) => runInstallCommand('ci', args, rawArgs),
})
