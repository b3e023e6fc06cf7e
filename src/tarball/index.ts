export { extractTarball } from './extract-tarball.ts'
export { createExtractor, type ExtractorPool } from './create-extractor.ts'
export type { ExtractOptions, ExtractResult, Extractor, PackageIndex, PackageManifest } from './types.ts'
export { readUmask } from './read-umask.ts'
