/**
 * The fixture registry and project helpers shared by every integration test.
 * See create-test-registry.ts for the server, package-def.ts for what a PackageDef builds.
 */
export {
  createTestRegistry,
  type Fault,
  type FaultMatcher,
  type RecordedRequest,
  type TestRegistry,
} from './create-test-registry.ts'
export { holdAnswers } from './hold-answers.ts'
export { createTarball, sha1Hex, sriSha512, type TarEntry } from './create-tarball.ts'
export { type FileDef, type PackageDef } from './package-def.ts'
export { type LockedPackage, lockfileFor, type ProjectFiles, writeProject } from './write-project.ts'
