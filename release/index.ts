export { archiveName, writeChecksums, writeReleaseArchive } from './archive.ts'
export { compileSkiff } from './compile.ts'
export { npmPackageName, writeMainPackage, writePlatformPackage } from './npm-packages.ts'
export { hostTargetName, targetNamed, TARGETS, type Target } from './targets.ts'
