export {
  isExactVersionDisjunction,
  parseAllowScriptsList,
  resolvePolicy,
  scriptVerdict,
  trustedIdentity,
  type Policy,
  type PolicyNode,
  type ResolvedPolicy,
  type Verdict,
} from './allow-scripts.ts'
export {
  createInstallLifecycle,
  installLifecycleFor,
  runRootScripts,
  ROOT_INSTALL_EVENTS,
  type BuildInput,
  type InstallLifecycle,
  type InstallLifecycleOptions,
  type InstallScriptsInput,
} from './install-lifecycle.ts'
export { createScriptRunner, lifecycleError, type ScriptRequest, type ScriptRunner, type ScriptRunnerOptions } from './script-runner.ts'
export type { ScriptResult } from './spawn-script.ts'
export { scriptSettings, skiffInvocation, type ScriptSettings, type ScriptSettingsInput } from './script-settings.ts'
export { listScripts, readManifest, runPackageScript, type RunRequest, type RunResult } from './run-package-script.ts'
export { dependencyOrder, findWorkspaceFolders, selectWorkspaces, type Workspace } from './workspaces.ts'
export { execPackage, type ExecRequest, type ExecResult, type ExecServices } from './exec-package.ts'
export { rebuildPackages, type RebuildRequest, type RebuildResult } from './rebuild-packages.ts'
export { manageAllowScripts, type ManageRequest, type ManageResult, type Mode } from './manage-allow-scripts.ts'
export { readInstalledTree, type InstalledTree } from './installed-tree.ts'
export { realNodeOnPath, syncGlobalNodeShim, type GlobalNodeShimOptions, type NodeShimChange } from './global-node-shim.ts'
export { unreviewedId, unreviewedLines, type NextStep, type UnreviewedScripts } from './unreviewed-scripts.ts'
