import packageJson from '../../package.json' with { type: 'json' }

/** skiff's version, embedded at build time (the bundler inlines package.json's field). */
export const version: string = packageJson.version
