export {
  CORGI_ACCEPT,
  createRegistryClient,
  type HttpEvent,
  type PackumentForm,
  type PackumentResult,
  type RegistryClient,
  type RegistryClientHooks,
  type TarballRequest,
} from './create-registry-client.ts'
export { keepAllInCache, keepInCache, type CacheBody, type CacheWrite } from './packument-cache.ts'
export type { TarballEntry } from './tarball-url.ts'
