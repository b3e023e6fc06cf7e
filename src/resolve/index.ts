export { buildIdealTree, type IdealTree } from './build-ideal-tree.ts'
export { lockfileFromTree, staleFolderEntries, type LockfileOptions } from './lockfile-from-tree.ts'
export { defaultNodeVersion, parsePackument, pickVersion, type Manifest, type Packument, type PickOptions } from './pick-version.ts'
export type { Node } from './node.ts'
export { PACKUMENT_TEXT_FORMAT, packumentBytes, packumentForCache, packumentFromBytes } from './packument-text.ts'
export type {
  BuildIdealTreeInput,
  ManifestExtras,
  ResolvedPackage,
  ResolveIO,
  ResolveOptions,
  ResolveWarning,
  SaveType,
  TarballContents,
  TarballSource,
} from './types.ts'
export { folderPackage } from './node-factory.ts'
export { clearDepFlags, type DepFlags, type FlagNode } from '../lockfile/index.ts'
export { createLockInflater, type LockInflater } from './inflate-lockfile.ts'
