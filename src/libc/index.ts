export { openLibc } from './libc.ts'
export type { FileStat, Libc } from './libc.ts'
