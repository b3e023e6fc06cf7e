export { openLibc } from './libc.ts'
export type { Libc } from './libc.ts'
