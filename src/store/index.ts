export { createStore, type Store, type StoredPackage } from './create-store.ts'
export { integrityOf, verifyIntegrity, type HashAlgorithm } from './integrity.ts'
export { storeRoot, type StoreRootOptions } from './store-root.ts'
