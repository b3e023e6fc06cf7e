/**
 * The environment every measured tool gets, and a description of the machine for the results.
 */
import fs from 'node:fs'
import os from 'node:os'

/**
 * The caller's environment without the settings that would steer a package manager: npm_* and
 * pnpm_* config (set when the bench itself is started through a package manager's `run`),
 * cache locations and registry overrides, and HOME: every tool gets `home`, an empty folder, so
 * that no user .npmrc, .bunfig.toml or pnpm rc of the machine (a cafile, an
 * omit-lockfile-registry-resolved) changes what one tool does and not another. Each tool then
 * gets only what its phase sets.
 */
export function cleanEnv(env: Readonly<Record<string, string | undefined>>, home: string): Record<string, string> {
  const steering = /^(npm_|pnpm_|yarn_|bun_install|utoo_|xdg_cache_home$|xdg_config_home$|ci$|node_options$|no_color$|force_color$)/i
  const result: Record<string, string> = {}
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && !steering.test(key)) result[key] = value
  }
  fs.mkdirSync(home, { recursive: true })
  result.HOME = home
  return result
}

export interface MachineInfo {
  cpus: number
  cpuModel: string
  memoryGiB: number
  kernel: string
  fileSystem: string
  loadAverage: number[]
}

export function describeMachine(workDir: string): MachineInfo {
  const fsType = Bun.spawnSync(['stat', '-f', '-c', '%T', workDir], { stdout: 'pipe' }).stdout.toString().trim()
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    fileSystem: fsType,
    loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
  }
}
