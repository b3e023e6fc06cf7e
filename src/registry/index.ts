export {
  CORGI_ACCEPT,
  createRegistryClient,
  type PackumentForm,
  type PackumentResult,
  type RegistryClient,
  type TarballRequest,
} from './create-registry-client.ts'
export { keepInCache, type CacheWrite } from './packument-cache.ts'
export type { TarballEntry } from './tarball-url.ts'
