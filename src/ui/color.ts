/**
 * Whether output is coloured (and a live progress line drawn), decided as npm 11 decides it
 * through chalk's supports-color: `color=always` always, `color=false` (`--no-color`) never;
 * otherwise FORCE_COLOR=0 turns colour off and any other FORCE_COLOR turns it on, NO_COLOR
 * (other than `0`) and TERM=dumb turn it off, and else only a terminal gets it.
 */
export type Env = Readonly<Record<string, string | undefined>>

export function shouldColor(setting: unknown, isTTY: boolean | undefined, env: Env): boolean {
  if (setting === 'always') return true
  if (setting === false || setting === 'false' || setting === '') return false
  const force = env.FORCE_COLOR
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false'
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '' && env.NO_COLOR !== '0') return false
  if (env.TERM === 'dumb') return false
  return isTTY === true
}

/** A live line redrawn with escape codes: a terminal that understands them, not CI. */
export function canDrawLive(isTTY: boolean | undefined, env: Env): boolean {
  return isTTY === true && !env.CI && env.TERM !== 'dumb'
}
