export { openLibc } from './libc.ts'
export { openCompiledLoops, type CompiledLinkResult, type CompiledLoops, type WriteFile } from './compiled-loops.ts'
export type { FileStat, Libc } from './libc.ts'
