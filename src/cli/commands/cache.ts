import { defineCommand, type ArgsDef } from 'citty'
import { SkiffError } from '../../error/index.ts'
import { cleanStore, createStore, lockStoreForMaintenance, pruneStore, verifyStore, type Store } from '../../store/index.ts'
import { formatBytes } from '../../ui/reporter.ts'
import { loadCommandConfig, npmFlags } from '../command-context.ts'

const cacheArgs = {
  subcommand: { type: 'positional', required: false, description: 'dir | verify | clean | prune' },
  days: { type: 'string', description: 'prune: remove the packages no install used in this many days (default 30)' },
  force: { type: 'boolean', description: 'clean: yes, delete the whole cache' },
  json: { type: 'boolean', description: 'print the result as JSON' },
  cache: { type: 'string', description: 'the cache folder (default: $SKIFF_CACHE_DIR, $XDG_CACHE_HOME/skiff or ~/.cache/skiff)' },
} satisfies ArgsDef

const DEFAULT_PRUNE_DAYS = 30

export default defineCommand({
  meta: { name: 'cache', description: "Show, check and clean skiff's package cache: dir, verify, clean --force, prune [--days N]" },
  args: cacheArgs,
  async run({ args, rawArgs }) {
    const config = await loadCommandConfig(npmFlags(rawArgs, cacheArgs))
    const json = args.json === true
    const subcommand = args._[0]
    const print = (text: string, data: unknown) => process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${text}\n`)
    if (subcommand === 'dir' || subcommand === 'path') {
      print(config.cache, { dir: config.cache })
      return 0
    }
    if (subcommand !== 'verify' && subcommand !== 'clean' && subcommand !== 'prune') {
      throw new SkiffError('EUSAGE', subcommand === undefined ? 'skiff cache needs a subcommand' : `\`skiff cache ${subcommand}\` is not a cache command`, {
        hint: 'skiff cache dir | verify | clean --force | prune [--days N]',
      })
    }
    if (subcommand === 'clean' && args.force !== true) {
      throw new SkiffError('EUSAGE', 'skiff cache clean deletes every package in the cache, and the next installs download them again', {
        hint: '`skiff cache verify` removes only the damaged ones; if you are sure, run: skiff cache clean --force',
      })
    }
    const days = subcommand === 'prune' ? daysOf(args.days) : 0
    const started = performance.now()
    await using _lock = await lockStoreForMaintenance(config.cache, {
      timeoutMs: config.lockTimeout,
      onWait: (pid) => process.stderr.write(`waiting for the install using the store${pid === undefined ? '' : ` (process ${pid})`} to finish\n`),
    })
    const store = maintenanceStore(config.cache)
    const seconds = () => `${((performance.now() - started) / 1000).toFixed(2)}s`
    if (subcommand === 'verify') {
      const report = await verifyStore(store)
      print(
        [
          `Cache verified (${config.cache})`,
          `Content verified: ${report.verified} (${formatBytes(report.verifiedBytes)})`,
          `Corrupted content removed: ${report.removed.length}`,
          ...report.removed.map(({ pkg, problem }) => `  ${pkg}: ${problem}`),
          `Leftover staging folders removed: ${report.leftovers}`,
          `Finished in ${seconds()}`,
        ].join('\n'),
        { dir: config.cache, ...report },
      )
      return 0
    }
    if (subcommand === 'prune') {
      const report = await pruneStore(store, { days, now: new Date() })
      print(`removed ${plural(report.removed)} no install used in the last ${days} days (${formatBytes(report.removedBytes)}), kept ${report.kept}, in ${seconds()} (${config.cache})`, { dir: config.cache, days, ...report })
      return 0
    }
    const report = await cleanStore(store, ['maintenance.lock', 'holders'])
    print(`removed the cache at ${config.cache}: ${plural(report.removed)} (${formatBytes(report.removedBytes)}) in ${seconds()}`, { dir: config.cache, ...report })
    return 0
  },
})

/** A store for looking at and removing entries: nothing is added, so nothing is extracted. */
function maintenanceStore(root: string): Store {
  return createStore(root, { extract: () => Promise.reject(new SkiffError('EINTERNAL', 'cache commands add nothing to the store')) })
}

function daysOf(value: unknown): number {
  if (value === undefined) return DEFAULT_PRUNE_DAYS
  const days = Number(value)
  if (!Number.isFinite(days) || days < 0) throw new SkiffError('EUSAGE', `--days must be a number of days, not "${String(value)}"`)
  return days
}

function plural(count: number): string {
  return `${count} package${count === 1 ? '' : 's'}`
}
