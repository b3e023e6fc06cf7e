import type { LOG_LEVELS } from './definitions.ts'

export type DependencyType = 'dev' | 'optional' | 'peer'
export type LogLevel = (typeof LOG_LEVELS)[number]

/** Everything an install needs to know from .npmrc files, `npm_config_*` env and flags. Frozen. */
export interface Config {
  /** the project root: nearest folder upward with a package.json (a workspace's root wins), or cwd */
  readonly projectDir: string
  /** `-g` / `--global`: projectDir is `<globalPrefix>/lib`, the packages go to its node_modules */
  readonly global: boolean
  /** npm's global prefix: global packages in `<globalPrefix>/lib/node_modules`, their bins in `<globalPrefix>/bin` */
  readonly globalPrefix: string
  /** the default registry, with one trailing slash */
  readonly registry: string
  /** `@scope` -> registry URL with one trailing slash, from `@scope:registry` */
  readonly scopeRegistries: ReadonlyMap<string, string>
  /** skiff's cache root: `--cache`, else $SKIFF_CACHE_DIR, else $XDG_CACHE_HOME/skiff, else ~/.cache/skiff */
  readonly cache: string
  readonly omit: ReadonlySet<DependencyType>
  readonly include: ReadonlySet<DependencyType | 'prod'>
  readonly ignoreScripts: boolean
  readonly strictSsl: boolean
  /** PEM certificates: `ca` values, then those in `cafile` */
  readonly ca: readonly string[]
  /** `proxy` / `https-proxy` as configured (false: `proxy=false`, no proxy at all) */
  readonly proxy: string | false | null
  readonly httpsProxy: string | null
  /** the proxy environment variables (any case), which npm uses when the settings are absent */
  readonly proxyEnv: { readonly httpsProxy: string | null; readonly httpProxy: string | null }
  /** hosts (domain suffixes) that bypass the proxy: `noproxy`, else $NO_PROXY */
  readonly noproxy: readonly string[]
  /** 'npmjs' (default) | 'never' | 'always' | a hostname | a URL */
  readonly replaceRegistryHost: string
  readonly omitLockfileRegistryResolved: boolean
  readonly fetchRetries: number
  readonly fetchRetryFactor: number
  readonly fetchRetryMintimeout: number
  readonly fetchRetryMaxtimeout: number
  /** ms without a byte arriving before a request is abandoned (npm's idle timeout) */
  readonly fetchTimeout: number
  /** ms an install waits for another install of the same project to finish (skiff's own setting) */
  readonly lockTimeout: number
  /** a package whose files add up to more than this many bytes is refused (skiff's own setting) */
  readonly maxUnpackedBytes: number
  /** the per-file loops of extraction and linking call libc directly (Linux), else node:fs */
  readonly nativeIo: boolean
  readonly preferOffline: boolean
  readonly preferOnline: boolean
  readonly offline: boolean
  readonly loglevel: LogLevel
  readonly legacyPeerDeps: boolean
  /** a required package whose engines exclude this node or npm is EBADENGINE, not a warning */
  readonly engineStrict: boolean
  /** --force: conflicting peer dependencies are accepted, engines.node of required packages is not checked */
  readonly force: boolean
  readonly strictPeerDeps: boolean
  /** package-lock=false: install neither reads nor writes package-lock.json */
  readonly packageLock: boolean
  /** how `install <pkg>` saves the version: exact, else with this prefix */
  readonly saveExact: boolean
  readonly savePrefix: string
  readonly userAgent: string
  /** npm's `yes`: install what exec needs without asking (true), never (false), or ask (null) */
  readonly yes: boolean | null
  /**
   * Every setting as a string (lists joined by a blank line, false and null as ''), keyed by
   * its .npmrc name, for settings Config does not type. Keys starting with `/`, `@` or `_` are
   * left out, and so is anything naming a credential.
   */
  readonly raw: Readonly<Record<string, string>>
  /** what npm passes to lifecycle scripts as `npm_config_<key>`, by key (exported-settings.ts) */
  readonly exported: Readonly<Record<string, string>>
  /** the .npmrc files that were read, lowest precedence first */
  readonly files: readonly string[]
  /** where each .npmrc is (read or not): what `config set --location` writes */
  readonly npmrcFiles: { readonly global: string; readonly user: string; readonly project?: string }
  /** every layer's settings as given, lowest precedence first, credentials shown as "(protected)" (`config list`) */
  readonly sources: ReadonlyArray<{ readonly origin: 'global' | 'user' | 'project' | 'env' | 'flags'; readonly file?: string; readonly settings: ReadonlyArray<{ readonly key: string; readonly value: unknown }> }>
  /** things worth telling the user that did not stop loading (unknown `${VAR}`, ignored sections) */
  readonly warnings: readonly string[]
  /** the registry a package comes from: its scope's, else the default */
  registryFor(name: string): string
  /**
   * Request headers carrying the credentials configured for `url` (npm's walk-up rules),
   * or `{}`. `registry` is the registry of the package being fetched (default: the default
   * registry); its credentials also apply to other paths on its host and port.
   */
  authFor(url: string, registry?: string): Record<string, string>
  /** the .npmrc key whose credentials authFor(url) uses, or the one that would carry them */
  authKeyFor(url: string, registry?: string): string
  /** `text` with every configured secret and any credential-looking part removed */
  redact(text: string): string
}
