export { openLibc } from './libc.ts'
export { openCompiledLink, type CompiledLink, type CompiledLinkResult } from './compiled-link.ts'
export type { FileStat, Libc } from './libc.ts'
