export type { Config, DependencyType, LogLevel } from './config.ts'
export { loadConfig, type LoadConfigOptions } from './load-config.ts'
export { nerfDart } from './nerf-dart.ts'
export { stripUrlCredentials } from './redact.ts'
