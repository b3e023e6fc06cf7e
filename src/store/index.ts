export { createStore, type EntryCheck, type Store, type StoredPackage } from './create-store.ts'
export { integrityOf, verifyIntegrity, type HashAlgorithm } from './integrity.ts'
export { storeRoot, type StoreRootOptions } from './store-root.ts'
export { describeDamage, verifyStoredFiles, type StoreDamage, type StoredFiles } from './verify-stored-files.ts'
