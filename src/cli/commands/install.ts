import { defineCommand } from 'citty'
import { SkiffError } from '../../error/index.ts'
import { emptyNodeModules, hasNodeModules, workspaceFolders } from '../../install/ci.ts'
import { currentTree } from '../../install/tree-check.ts'
import { install, type InstallRequest } from '../../install/install.ts'
import type { SaveType } from '../../install/save-package-json.ts'
import { parseSpecArg } from '../../spec/index.ts'
import { globalArg, installArgs, reifySummary, runInstallCommand, workspaceArgs, workspaceChoice, type CommandArgs } from '../command-context.ts'
import type { InstallContext } from '../install-context.ts'
import { resolveOptionsFor, resolveServicesFor } from '../resolve-context.ts'
import { emptySummary, type Reporter, type Summary } from '../../ui/reporter.ts'
import { runGlobalJob, type GlobalRequest } from '../global-job.ts'

export const saveArgs = {
  'save-dev': { type: 'boolean', alias: 'D', description: 'save to devDependencies' },
  'save-optional': { type: 'boolean', alias: 'O', description: 'save to optionalDependencies' },
  'save-peer': { type: 'boolean', description: 'save to peerDependencies' },
  'save-prod': { type: 'boolean', alias: 'P', description: 'save to dependencies' },
  'save-exact': { type: 'boolean', alias: 'E', description: 'save the exact version, without a range prefix' },
  'save-prefix': { type: 'string', description: 'the range prefix saved with a version (default ^)' },
  save: { type: 'boolean', default: true, description: 'write the requested packages into package.json', negativeDescription: 'do not change package.json' },
  'package-lock-only': { type: 'boolean', description: 'update package-lock.json only, not node_modules' },
  force: { type: 'boolean', alias: 'f', description: 'accept conflicting peer dependencies' },
  ...workspaceArgs,
} as const

const args = { ...installArgs, ...saveArgs, ...globalArg, packages: { type: 'positional', required: false, description: 'packages to add: name, name@range, name@tag, npm:alias, git, URL or folder' } } as const

export function saveTypeOf(flags: CommandArgs): SaveType | undefined {
  if (flags['save-dev'] === true) return 'dev'
  if (flags['save-optional'] === true) return 'optional'
  if (flags['save-peer'] === true) return 'peer'
  if (flags['save-prod'] === true) return 'prod'
  return undefined
}

export interface InstallPlanArgs {
  flags: CommandArgs
  rawArgs: readonly string[]
  add?: string[]
  remove?: string[]
  update?: { all: boolean; names: string[] }
  /** keep a copy higher up instead of a newer one deeper (dedupe) */
  preferDedupe?: boolean
  /** write package-lock.json even where package.json is not saved (dedupe, exec's prefix); default: unless --no-save */
  saveLockfile?: boolean
}

/** `install`, `uninstall` and `update` share everything but what they ask of the resolver. */
export async function runInstallJob(command: string, request: InstallPlanArgs, context: InstallContext, reporter: Reporter): Promise<Summary> {
  const { config, planOptions } = context
  if (config.global) return runGlobalJob(command, globalRequestOf(request), context, reporter)
  const projectDir = config.projectDir
  const saveType = saveTypeOf(request.flags)
  // the flags win over .npmrc and npm_config_* (save-exact, save-prefix)
  const saveExact = typeof request.flags['save-exact'] === 'boolean' ? request.flags['save-exact'] : config.saveExact
  const savePrefix = saveExact ? '' : typeof request.flags['save-prefix'] === 'string' ? request.flags['save-prefix'] : config.savePrefix
  const installRequest: InstallRequest = {
    projectDir,
    add: (request.add ?? []).map((arg) => ({ spec: parseSpecArg(arg, process.cwd(), process.env.HOME), ...(saveType === undefined ? {} : { saveType }) })),
    remove: request.remove ?? [],
    workspaces: workspaceChoice(request.flags, request.rawArgs),
    ...(request.update === undefined ? {} : { update: request.update }),
    save: request.flags.save !== false && !(command === 'update' && request.flags.save !== true),
    saveLockfile: request.saveLockfile ?? request.flags.save !== false,
    useLockfile: config.packageLock,
    savePrefix,
    packageLockOnly: request.flags['package-lock-only'] === true,
    resolve: resolveOptionsFor(context, request.preferDedupe === true),
    plan: planOptions,
  }
  const result = await install(installRequest, {
    ...resolveServicesFor(context, reporter),
    currentTree: () => currentTree(projectDir, { nativeIo: config.nativeIo, offThread: true }),
    hasNodeModules: (lock) => hasNodeModules(projectDir, workspaceFolders(lock)),
    emptyNodeModules: (lock) => emptyNodeModules(projectDir, workspaceFolders(lock)),
  })
  if (result.reified === undefined) {
    const packages = [...result.lock.packages.keys()].filter((location) => location !== '').length
    return { ...emptySummary(command), lockfileOnly: { packages, changed: result.lockfileChanged } }
  }
  return reifySummary(command, result.reified, result.plan?.installed ?? new Map(), projectDir)
}

function globalRequestOf(request: InstallPlanArgs): GlobalRequest {
  if (request.remove !== undefined) return { remove: request.remove }
  if (request.update !== undefined) return { update: request.update.names }
  return { add: request.add ?? [] }
}

export default defineCommand({
  meta: { name: 'install', description: 'Install the dependencies of package.json, or add packages to it' },
  args,
  run: ({ args: flags, rawArgs }) => {
    const packages = (flags._ ?? []).filter((arg: string) => arg !== '')
    if (flags['save-dev'] === true && flags['save-optional'] === true) {
      throw new SkiffError('EUSAGE', '--save-dev and --save-optional cannot be used together')
    }
    return runInstallCommand({
      name: 'install',
      createsProjectDir: packages.length > 0,
      args: flags,
      rawArgs,
      argDefs: args,
      run: (context, reporter) => runInstallJob('install', { flags, rawArgs, add: packages }, context, reporter),
    })
  },
})
