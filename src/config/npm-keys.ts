/**
 * The settings npm 11 accepts on its command line (@npmcli/config definitions), by how a flag
 * reads its value, and npm's one-letter and short spellings. A flag outside this table, and not
 * one of a command's own, is unknown: npm warns `Unknown cli config "--x"` and goes on.
 *
 * - `switch`: `--key`, `--no-key`, `--key=value`; a following `true` or `false` is its value
 *   (nopt reads `--save false` so).
 * - `value`: `--key value` or `--key=value`; the next word is the value unless it is a flag.
 */
export type FlagKind = 'switch' | 'value'

const SWITCHES = `all allow-same-version audit bin-links browser bypass-2fa color commit-hooks
  dangerously-allow-all-scripts description dev diff-ignore-all-space diff-name-only diff-no-prefix diff-text
  dry-run engine-strict expect-results force foreground-scripts format-package-lock fund git-tag-version global
  global-style if-present ignore-scripts include-staged include-workspace-root include-attestations init-private
  install-links json legacy-bundling legacy-peer-deps link long offline omit-lockfile-registry-resolved optional
  package-lock package-lock-only parseable allow-scripts-pending allow-scripts-pin prefer-dedupe prefer-offline
  prefer-online production progress provenance read-only rebuild-bundle save save-bundle save-dev save-exact
  save-optional save-peer save-prod packages-all shrinkwrap sign-git-commit sign-git-tag strict-peer-deps
  strict-allow-scripts strict-ssl timing unicode update-notifier usage version versions workspaces
  workspaces-update yes`

const VALUES = `_auth access allow-directory allow-file allow-git allow-remote allow-scripts also audit-level
  auth-type before ca cache cache-max cache-min cafile call cert cidr cpu depth diff diff-dst-prefix
  diff-src-prefix diff-unified editor expect-result-count expires fetch-retries fetch-retry-factor
  fetch-retry-maxtimeout fetch-retry-mintimeout fetch-timeout git globalconfig heading https-proxy include
  init-author-email init-author-name init-author-url init-license init-module init-type init-version
  init.author.email init.author.name init.author.url init.license init.module init.version install-strategy key
  libc local-address location lockfile-version loglevel logs-dir logs-max name maxsockets message
  min-release-age min-release-age-exclude node-gyp node-options noproxy omit only orgs os otp package
  pack-destination packages prefix preid provenance-file proxy registry replace-registry-host save-prefix
  sbom-format sbom-type scope scopes packages-and-scopes-permission orgs-permission password
  token-description script-shell searchexclude searchlimit searchopts searchstaleness shell tag
  tag-version-prefix umask user-agent userconfig viewer which workspace`

export const NPM_FLAGS: ReadonlyMap<string, FlagKind> = new Map([
  ...SWITCHES.split(/\s+/).map((key) => [key, 'switch'] as const),
  ...VALUES.split(/\s+/).map((key) => [key, 'value'] as const),
])

/** npm's shorthands: what each short spelling stands for, as long flags (and a value). */
export const NPM_SHORTHANDS: Readonly<Record<string, readonly string[]>> = {
  'enjoy-by': ['--before'],
  d: ['--loglevel', 'info'],
  dd: ['--loglevel', 'verbose'],
  ddd: ['--loglevel', 'silly'],
  quiet: ['--loglevel', 'warn'],
  q: ['--loglevel', 'warn'],
  s: ['--loglevel', 'silent'],
  silent: ['--loglevel', 'silent'],
  verbose: ['--loglevel', 'verbose'],
  desc: ['--description'],
  help: ['--usage'],
  local: ['--no-global'],
  n: ['--no-yes'],
  no: ['--no-yes'],
  porcelain: ['--parseable'],
  readonly: ['--read-only'],
  reg: ['--registry'],
  iwr: ['--include-workspace-root'],
  ws: ['--workspaces'],
  a: ['--all'],
  c: ['--call'],
  f: ['--force'],
  g: ['--global'],
  L: ['--location'],
  l: ['--long'],
  m: ['--message'],
  p: ['--parseable'],
  C: ['--prefix'],
  S: ['--save'],
  B: ['--save-bundle'],
  D: ['--save-dev'],
  E: ['--save-exact'],
  O: ['--save-optional'],
  P: ['--save-prod'],
  '?': ['--usage'],
  H: ['--usage'],
  h: ['--usage'],
  v: ['--version'],
  w: ['--workspace'],
  y: ['--yes'],
}
