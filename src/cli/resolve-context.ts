/**
 * What the commands that resolve a tree (install, uninstall, update, dedupe, and their global
 * forms) add to the install context: the resolver's options and I/O. Kept apart from
 * install-context.ts so that `ci`, which never resolves, does not load the resolver.
 */
import type { InstallServices } from '../install/install.ts'
import { createResolveIO } from '../install/resolve-io.ts'
import { createLockInflater, type LockInflater, type ResolveOptions } from '../resolve/index.ts'
import type { Reporter } from '../ui/reporter.ts'
import type { InstallContext } from './install-context.ts'

/** The resolver's options from the config (and dedupe's preference). */
export function resolveOptionsFor(context: InstallContext, preferDedupe: boolean): ResolveOptions {
  const { config, platform, planOptions } = context
  return {
    legacyPeerDeps: config.legacyPeerDeps,
    strictPeerDeps: config.strictPeerDeps,
    force: config.force,
    // read when the first version is picked, not now: on a new cache that starts node
    get nodeVersion() {
      return planOptions.engines.nodeVersion
    },
    npmVersion: planOptions.engines.npmVersion,
    omitLockfileRegistryResolved: config.omitLockfileRegistryResolved,
    registryFor: (name) => config.registryFor(name),
    platform,
    omit: [...config.omit],
    ...(preferDedupe ? { preferDedupe: true } : {}),
  }
}

/** The install services every resolving command shares: the reify steps, the resolver's I/O, warnings to the reporter. */
export function resolveServicesFor(context: InstallContext, reporter: Reporter): Omit<InstallServices, 'currentTree' | 'hasNodeModules' | 'emptyNodeModules'> {
  const { services, store } = context
  const io = resolveIOFor(context)
  return {
    ...services,
    io,
    // the lockfile will be written: every field npm locks is wanted
    inflater: async () => createLockInflater(io, resolveOptionsFor(context, false), { projectDir: context.config.projectDir, lockfileFields: true }),
    keyFor: (entry) => store.keyFor(entry),
    onWarning: (warning) => reporter.warn([warning.message, ...warning.lines].join('\n')),
  }
}

/** What ci and fetch use when the lockfile lacks something: the manifests that give it (the lockfile is not written). */
export function lockInflaterFor(context: InstallContext): LockInflater {
  return createLockInflater(resolveIOFor(context), resolveOptionsFor(context, false), { projectDir: context.config.projectDir, lockfileFields: false })
}

function resolveIOFor(context: InstallContext): ReturnType<typeof createResolveIO> {
  const { services, registry, store } = context
  return createResolveIO({ registry, store, signal: services.signal ?? new AbortController().signal, packumentText: context.packumentText, expectPackuments: context.expectPackuments, git: context.git, timed: context.timed })
}
