import { defineCommand } from 'citty'
import { fetchPackages } from '../../install/fetch-packages.ts'
import { emptySummary } from '../../ui/reporter.ts'
import { installArgs, installFailure, runInstallCommand } from '../command-context.ts'

const { omit, include, registry, cache, prefix, offline, loglevel, silent, verbose, json, timings } = installArgs
const args = {
  omit,
  include,
  registry,
  cache,
  prefix,
  offline,
  loglevel,
  silent,
  verbose,
  json,
  'fetch-concurrency': installArgs['fetch-concurrency'],
  'extract-workers': installArgs['extract-workers'],
  timings,
} as const

export default defineCommand({
  meta: {
    name: 'fetch',
    description: 'Fill the store with the packages package-lock.json locks for this machine, without node_modules (then `skiff ci --offline`)',
  },
  args,
  run: ({ args: flags, rawArgs }) =>
    runInstallCommand({
      name: 'fetch',
      args: flags,
      rawArgs,
      argDefs: args,
      storeOnly: true,
      async run(context) {
        const { config, planOptions, services } = context
        const result = await fetchPackages({ projectDir: config.projectDir, plan: planOptions }, { ...services, inflater: async () => (await import('../resolve-context.ts')).lockInflaterFor(context) })
        if (result.failures.length > 0) throw installFailure(result.failures)
        return {
          ...emptySummary('fetch'),
          downloaded: result.fetched,
          fromCache: result.stored,
          downloadedBytes: result.fetchedBytes,
          droppedOptional: result.dropped,
          storeOnly: { packages: result.packages - result.dropped.length, store: config.cache },
        }
      },
    }),
})
