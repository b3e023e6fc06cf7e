import type { Config } from './config.ts'
import { settingDefault } from './definitions.ts'

/**
 * The winning value of any setting as it was given (the last layer that sets it), else skiff's
 * default for it, else undefined: for the settings Config has no field for (`init-*`,
 * `config get`). Credentials read "(protected)".
 */
export function settingOf(config: Pick<Config, 'sources'>, key: string): unknown {
  for (let index = config.sources.length - 1; index >= 0; index--) {
    const found = config.sources[index]?.settings.findLast((setting) => setting.key === key)
    if (found !== undefined) return found.value
  }
  return settingDefault(key) ?? undefined
}
