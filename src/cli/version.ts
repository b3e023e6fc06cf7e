import packageJson from '../../package.json' with { type: 'json' }

/** skiff's version, embedded at build time (the bundler inlines package.json's field). */
export const version: string = packageJson.version

/** The npm whose behaviour skiff follows: `engines.npm` ranges are checked against it. */
export const npmVersion = '11.19.1'
