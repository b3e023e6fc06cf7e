export {
  CORGI_ACCEPT,
  createRegistryClient,
  type PackumentResult,
  type RegistryClient,
  type TarballRequest,
} from './create-registry-client.ts'
export type { TarballEntry } from './tarball-url.ts'
