/**
 * What the commands that resolve a tree (install, uninstall, update, dedupe, and their global
 * forms) add to the install context: the resolver's options and I/O. Kept apart from
 * install-context.ts so that `ci`, which never resolves, does not load the resolver.
 */
import type { InstallServices } from '../install/install.ts'
import { createResolveIO } from '../install/resolve-io.ts'
import type { ResolveOptions } from '../resolve/index.ts'
import type { Reporter } from '../ui/reporter.ts'
import type { InstallContext } from './install-context.ts'

/** The resolver's options from the config (and dedupe's preference). */
export function resolveOptionsFor(context: InstallContext, preferDedupe: boolean): ResolveOptions {
  const { config, platform, planOptions } = context
  return {
    legacyPeerDeps: config.legacyPeerDeps,
    strictPeerDeps: config.strictPeerDeps,
    force: config.force,
    nodeVersion: planOptions.engines.nodeVersion,
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
  const { services, registry, store } = context
  return {
    ...services,
    io: createResolveIO({ registry, store, signal: services.signal ?? new AbortController().signal, packumentText: context.packumentText, git: context.git }),
    keyFor: (entry) => store.keyFor(entry),
    onWarning: (warning) => reporter.warn([warning.message, ...warning.lines].join('\n')),
  }
}
