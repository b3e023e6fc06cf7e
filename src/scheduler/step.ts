/**
 * The install state machine: `step(state, event) -> commands`.
 *
 * Contract: no I/O, no clock, no randomness. The loop in run.ts owns the state object and is
 * the only caller; commands are carried out by the lanes, whose results come back as events.
 *
 *   per key:    absent -> queued -> fetching -> fetched -> extracting -> stored
 *               absent -> stored                      (store hit)
 *               stored -> queued                      (a link job found the stored copy damaged; once)
 *               any    -> failed                      (error kept, waiters settled)
 *   per target: waiting(key, parent) -> ready -> linking -> linked
 *               linking -> waiting                    (damaged: it waits for the key to be stored again)
 *               waiting -> failed | dropped           (its key or its parent failed)
 *
 * A damaged store entry is never linked and never a lasting failure: the key goes back to the
 * fetch queue and the store replaces the entry when the fresh copy is added. A report about an
 * entry stored again since that link job started only retries the link; a key whose fresh copy
 * is found damaged again fails its targets (something keeps changing the store).
 *
 * Capacity is decided here, so the lanes are never over-filled: links go first (they finish
 * targets), then extractions, then downloads. A download is admitted only while downloads in
 * flight plus tarballs waiting for or in extraction stay under `limits.buffered`: that bounds
 * the tarball bytes held in memory however slow extraction is.
 *
 * After the first failure of a required package, nothing new is admitted; running jobs end,
 * then `finish` reports every failure. Every waiter is settled on every path.
 */
import { isSkiffError, SkiffError } from '../error/index.ts'
import { Fifo } from './fifo.ts'
import type { Command, Event, Failure, Key, Limits, Source, TargetSpec, WaiterId } from './types.ts'

type KeyPhase = 'queued' | 'fetching' | 'fetched' | 'extracting' | 'stored' | 'failed'
type TargetPhase = 'waiting' | 'ready' | 'linking' | 'linked' | 'failed' | 'dropped'

interface KeyState {
  key: Key
  pkg: string
  source: Source
  phase: KeyPhase
  error?: unknown
  bytes?: Uint8Array
  /** how many times the key became stored in this run (a store hit counts as the first) */
  storedCount: number
  /** fetched again because a link job found its stored copy damaged */
  refetched: boolean
  /** locations of targets that wait for this key */
  targets: string[]
  waiters: WaiterId[]
}

interface TargetState {
  spec: TargetSpec
  phase: TargetPhase
  waiters: WaiterId[]
  /** locations of targets whose parent this is */
  children: string[]
  /** the key's storedCount when the last link job started */
  linkedFrom: number
}

export interface SchedulerState {
  limits: Limits
  keys: Map<Key, KeyState>
  targets: Map<string, TargetState>
  /** children that named a parent location not seen yet */
  orphans: Map<string, string[]>
  fetchQueue: Fifo<Key>
  extractQueue: Fifo<Key>
  readyQueue: Fifo<string>
  inFlight: { fetch: number; extract: number; link: number }
  inputEnded: boolean
  stopping: boolean
  stopReason?: unknown
  finished: boolean
  failures: Failure[]
  dropped: TargetSpec[]
  linked: string[]
  fetchedKeys: number
  fetchedBytes: number
}

export function createState(limits: Limits): SchedulerState {
  return {
    limits,
    keys: new Map(),
    targets: new Map(),
    orphans: new Map(),
    fetchQueue: new Fifo(),
    extractQueue: new Fifo(),
    readyQueue: new Fifo(),
    inFlight: { fetch: 0, extract: 0, link: 0 },
    inputEnded: false,
    stopping: false,
    finished: false,
    failures: [],
    dropped: [],
    linked: [],
    fetchedKeys: 0,
    fetchedBytes: 0,
  }
}

export function step(state: SchedulerState, event: Event): Command[] {
  const out: Command[] = []
  if (state.finished) {
    settleLate(event, out)
    return out
  }
  switch (event.type) {
    case 'need':
      onNeed(state, event.target, event.stored, event.waiter, out)
      break
    case 'prefetch':
      onPrefetch(state, event, out)
      break
    case 'fetched':
      onFetched(state, event.key, event.bytes)
      break
    case 'extracted':
      state.inFlight.extract--
      onStored(state, mustKey(state, event.key), out)
      break
    case 'linked':
      state.inFlight.link--
      onLinked(state, mustTarget(state, event.location), out)
      break
    case 'damaged':
      state.inFlight.link--
      onDamaged(state, mustTarget(state, event.location), event.reason, out)
      break
    case 'failed':
      onFailed(state, event, out)
      break
    case 'inputEnd':
      state.inputEnded = true
      break
    case 'shutdown':
      stop(state, event.reason, out)
      break
    default:
      assertNever(event)
  }
  pump(state, out)
  maybeFinish(state, out)
  return out
}

function onNeed(state: SchedulerState, spec: TargetSpec, stored: boolean, waiter: WaiterId | undefined, out: Command[]): void {
  const existing = state.targets.get(spec.location)
  if (existing) {
    joinTarget(existing, spec, waiter, out)
    return
  }
  const target: TargetState = { spec, phase: 'waiting', waiters: waiter === undefined ? [] : [waiter], children: [], linkedFrom: 0 }
  state.targets.set(spec.location, target)
  const orphans = state.orphans.get(spec.location)
  if (orphans) {
    state.orphans.delete(spec.location)
    target.children.push(...orphans)
  }
  const key = ensureKey(state, spec.key, spec.pkg, spec.source, stored)
  key.targets.push(spec.location)
  if (key.phase === 'failed') {
    // its package failed before it was asked for (fetched ahead): one failure, as if it had waited
    if (target.spec.optional) dropTarget(state, target, key.error, out)
    else joinFailure(state, (failure) => failure.error === key.error, key.pkg, markFailed(state, target, key.error, out), key.error, out)
    return
  }
  if (spec.parent !== undefined) {
    const parent = state.targets.get(spec.parent)
    if (!parent) {
      const list = state.orphans.get(spec.parent)
      if (list) list.push(spec.location)
      else state.orphans.set(spec.parent, [spec.location])
      return
    }
    if (parent.phase === 'dropped') {
      markDropped(state, target, parentError(parent), out)
      return
    }
    if (parent.phase === 'failed') {
      // it goes with the folder it is nested in, in that folder's failure
      const error = parentError(parent)
      joinFailure(state, (failure) => failure.locations.includes(parent.spec.location), spec.pkg, markFailed(state, target, error, out), error, out)
      return
    }
    if (parent.phase !== 'linked') {
      parent.children.push(spec.location)
      return
    }
  }
  makeReadyIfStored(state, target, key)
}

function joinTarget(existing: TargetState, spec: TargetSpec, waiter: WaiterId | undefined, out: Command[]): void {
  if (existing.spec.key !== spec.key) {
    const error = new SkiffError(
      'EINTERNAL',
      `two packages were planned at ${spec.location}: ${existing.spec.pkg} and ${spec.pkg}`,
    )
    if (waiter !== undefined) out.push({ type: 'settle', waiter, result: { ok: false, error } })
    return
  }
  if (waiter === undefined) return
  if (existing.phase === 'linked') out.push({ type: 'settle', waiter, result: { ok: true } })
  else if (existing.phase === 'failed' || existing.phase === 'dropped')
    out.push({ type: 'settle', waiter, result: { ok: false, error: parentError(existing) } })
  else existing.waiters.push(waiter)
}

function onPrefetch(
  state: SchedulerState,
  event: Extract<Event, { type: 'prefetch' }>,
  out: Command[],
): void {
  const key = ensureKey(state, event.key, event.pkg, event.source, event.stored)
  if (event.waiter === undefined) return
  if (key.phase === 'stored') out.push({ type: 'settle', waiter: event.waiter, result: { ok: true } })
  else if (key.phase === 'failed')
    out.push({ type: 'settle', waiter: event.waiter, result: { ok: false, error: key.error } })
  else key.waiters.push(event.waiter)
}

function ensureKey(state: SchedulerState, id: Key, pkg: string, source: Source, stored: boolean): KeyState {
  const known = state.keys.get(id)
  if (known) return known
  const key: KeyState = { key: id, pkg, source, phase: stored ? 'stored' : 'queued', storedCount: stored ? 1 : 0, refetched: false, targets: [], waiters: [] }
  state.keys.set(id, key)
  if (!stored) state.fetchQueue.push(id)
  return key
}

function onFetched(state: SchedulerState, id: Key, bytes: Uint8Array): void {
  state.inFlight.fetch--
  const key = mustKey(state, id)
  state.fetchedKeys++
  state.fetchedBytes += bytes.byteLength
  if (state.stopping) {
    key.phase = 'queued'
    return
  }
  key.phase = 'fetched'
  key.bytes = bytes
  state.extractQueue.push(id)
}

function onStored(state: SchedulerState, key: KeyState, out: Command[]): void {
  key.phase = 'stored'
  key.storedCount++
  key.bytes = undefined
  for (const waiter of key.waiters) out.push({ type: 'settle', waiter, result: { ok: true } })
  key.waiters = []
  for (const location of key.targets) makeReadyIfStored(state, mustTarget(state, location), key)
}

function onLinked(state: SchedulerState, target: TargetState, out: Command[]): void {
  target.phase = 'linked'
  state.linked.push(target.spec.location)
  settleTarget(target, { ok: true }, out)
  for (const location of target.children) {
    const child = mustTarget(state, location)
    makeReadyIfStored(state, child, mustKey(state, child.spec.key))
  }
  target.children = []
}

function onDamaged(state: SchedulerState, target: TargetState, reason: string, out: Command[]): void {
  // failed meanwhile (its key's fresh download failed): nothing more to do
  if (target.phase !== 'linking') return
  const key = mustKey(state, target.spec.key)
  target.phase = 'waiting'
  if (key.phase === 'failed') {
    failTarget(state, target, key.error, out)
    return
  }
  // being fetched again: storing it makes the target ready
  if (key.phase !== 'stored') return
  if (key.storedCount !== target.linkedFrom) {
    makeReadyIfStored(state, target, key)
    return
  }
  if (key.refetched) {
    failTarget(state, target, damagedAgain(target.spec, reason), out)
    return
  }
  key.refetched = true
  key.phase = 'queued'
  state.fetchQueue.push(key.key)
}

function damagedAgain(spec: TargetSpec, reason: string): SkiffError {
  return new SkiffError('ESTORE', `${spec.pkg}: the cached copy is damaged again after a fresh download (${reason})`, {
    pkg: spec.pkg,
    hint: 'something keeps changing the cache while skiff installs; check what else writes there, or use another cache with --cache',
  })
}

function makeReadyIfStored(state: SchedulerState, target: TargetState, key: KeyState): void {
  if (target.phase !== 'waiting' || key.phase !== 'stored') return
  const parentLocation = target.spec.parent
  if (parentLocation !== undefined && state.targets.get(parentLocation)?.phase !== 'linked') return
  target.phase = 'ready'
  state.readyQueue.push(target.spec.location)
}

function onFailed(state: SchedulerState, event: Extract<Event, { type: 'failed' }>, out: Command[]): void {
  const job = event.job
  switch (job.lane) {
    case 'fetch':
      state.inFlight.fetch--
      failKey(state, mustKey(state, job.key), event.error, out)
      return
    case 'extract':
      state.inFlight.extract--
      failKey(state, mustKey(state, job.key), event.error, out)
      return
    case 'link':
      state.inFlight.link--
      failTarget(state, mustTarget(state, job.location), event.error, out)
      return
    default:
      assertNever(job)
  }
}

function failKey(state: SchedulerState, key: KeyState, error: unknown, out: Command[]): void {
  key.phase = 'failed'
  key.error = error
  key.bytes = undefined
  for (const waiter of key.waiters) out.push({ type: 'settle', waiter, result: { ok: false, error } })
  key.waiters = []
  const required: string[] = []
  for (const location of key.targets) {
    const target = mustTarget(state, location)
    // a target linked before the key was fetched again keeps its folder; one being linked
    // reports back, and its report decides
    if (target.phase === 'linked' || target.phase === 'linking') continue
    if (target.spec.optional) dropTarget(state, target, error, out)
    else required.push(...markFailed(state, target, error, out))
  }
  if (required.length > 0) recordFailure(state, key.pkg, required, error, out)
}

function failTarget(state: SchedulerState, target: TargetState, error: unknown, out: Command[]): void {
  if (target.spec.optional) {
    dropTarget(state, target, error, out)
    return
  }
  const locations = markFailed(state, target, error, out)
  recordFailure(state, target.spec.pkg, locations, error, out)
}

/** Marks a target and the targets nested in it failed; returns their locations. */
function markFailed(state: SchedulerState, target: TargetState, error: unknown, out: Command[]): string[] {
  if (target.phase === 'failed' || target.phase === 'dropped') return []
  target.phase = 'failed'
  settleTarget(target, { ok: false, error }, out)
  const locations = [target.spec.location]
  const cause = parentError(target)
  for (const child of target.children) locations.push(...markFailed(state, mustTarget(state, child), cause, out))
  target.children = []
  return locations
}

/** An optional package and everything nested in it leave the install, with one warning. */
function dropTarget(state: SchedulerState, target: TargetState, error: unknown, out: Command[]): void {
  if (target.phase === 'failed' || target.phase === 'dropped') return
  out.push({ type: 'dropped', target: target.spec, error })
  markDropped(state, target, error, out)
}

function markDropped(state: SchedulerState, target: TargetState, error: unknown, out: Command[]): void {
  if (target.phase === 'failed' || target.phase === 'dropped') return
  target.phase = 'dropped'
  state.dropped.push(target.spec)
  settleTarget(target, { ok: false, error }, out)
  const cause = parentError(target)
  for (const location of target.children) markDropped(state, mustTarget(state, location), cause, out)
  target.children = []
}

/** Adds the locations to the failure `isSame` finds, else records a failure of their own. */
function joinFailure(state: SchedulerState, isSame: (failure: Failure) => boolean, pkg: string, locations: string[], error: unknown, out: Command[]): void {
  const failure = state.failures.find(isSame)
  if (failure) failure.locations.push(...locations)
  else recordFailure(state, pkg, locations, error, out)
}

function recordFailure(state: SchedulerState, pkg: string, locations: string[], error: unknown, out: Command[]): void {
  // a job cut short because the install was already stopping is the stop's doing, not a failure of its own
  if (state.stopping && isAbort(error)) return
  state.failures.push({ pkg, locations, error })
  stop(state, error, out)
}

function stop(state: SchedulerState, reason: unknown, out: Command[]): void {
  if (state.stopping) return
  state.stopping = true
  state.stopReason = reason
  out.push({ type: 'abort', reason })
}

function isAbort(error: unknown): boolean {
  return isSkiffError(error) && error.code === 'EABORT'
}

function parentError(parent: TargetState): SkiffError {
  return new SkiffError('ELINK', `${parent.spec.pkg} at ${parent.spec.location} was not installed`)
}

function settleTarget(target: TargetState, result: { ok: true } | { ok: false; error: unknown }, out: Command[]): void {
  for (const waiter of target.waiters) out.push({ type: 'settle', waiter, result })
  target.waiters = []
}

function pump(state: SchedulerState, out: Command[]): void {
  if (state.stopping) return
  const { limits, inFlight } = state
  while (inFlight.link < limits.link && state.readyQueue.length > 0) {
    const target = mustTarget(state, state.readyQueue.shift() as string)
    target.phase = 'linking'
    target.linkedFrom = mustKey(state, target.spec.key).storedCount
    inFlight.link++
    out.push({ type: 'link', target: target.spec })
  }
  while (inFlight.extract < limits.extract && state.extractQueue.length > 0) {
    const key = mustKey(state, state.extractQueue.shift() as Key)
    const bytes = key.bytes as Uint8Array
    key.bytes = undefined
    key.phase = 'extracting'
    inFlight.extract++
    out.push({ type: 'extract', key: key.key, pkg: key.pkg, source: key.source, bytes })
  }
  while (
    inFlight.fetch < limits.fetch &&
    inFlight.fetch + state.extractQueue.length + inFlight.extract < limits.buffered &&
    state.fetchQueue.length > 0
  ) {
    const key = mustKey(state, state.fetchQueue.shift() as Key)
    key.phase = 'fetching'
    inFlight.fetch++
    out.push({ type: 'fetch', key: key.key, pkg: key.pkg, source: key.source })
  }
}

function maybeFinish(state: SchedulerState, out: Command[]): void {
  const { inFlight } = state
  if (inFlight.fetch > 0 || inFlight.extract > 0 || inFlight.link > 0) return
  if (!state.stopping) {
    if (!state.inputEnded) return
    if (state.readyQueue.length > 0 || state.extractQueue.length > 0 || state.fetchQueue.length > 0) return
    failStranded(state, out)
  }
  state.finished = true
  const notDone = state.stopReason ?? new SkiffError('EINTERNAL', 'the install ended before this package was done')
  const stopped = new SkiffError('EABORT', 'not installed: the install stopped first', { cause: notDone })
  for (const target of state.targets.values()) {
    if (target.phase === 'linked' || target.phase === 'failed' || target.phase === 'dropped') continue
    settleTarget(target, { ok: false, error: stopped }, out)
  }
  for (const key of state.keys.values()) {
    for (const waiter of key.waiters) out.push({ type: 'settle', waiter, result: { ok: false, error: stopped } })
    key.waiters = []
  }
  const failures = [...state.failures]
  if (failures.length === 0 && state.stopping) failures.push({ pkg: '', locations: [], error: state.stopReason })
  out.push({
    type: 'finish',
    outcome: {
      ok: failures.length === 0,
      linked: state.linked,
      dropped: state.dropped,
      failures,
      fetchedKeys: state.fetchedKeys,
      fetchedBytes: state.fetchedBytes,
    },
  })
}

/** Targets whose parent never arrived cannot be placed: a planning error, reported as such. */
function failStranded(state: SchedulerState, out: Command[]): void {
  for (const [parent, children] of state.orphans) {
    for (const location of children) {
      const target = mustTarget(state, location)
      const error = new SkiffError('EINTERNAL', `${target.spec.pkg} at ${location} waits for ${parent}, which is not part of the install`)
      failTarget(state, target, error, out)
    }
  }
  state.orphans.clear()
}

/** Events that arrive after the finish still settle their waiters. */
function settleLate(event: Event, out: Command[]): void {
  if ((event.type === 'need' || event.type === 'prefetch') && event.waiter !== undefined) {
    const error = new SkiffError('EABORT', 'the install has already ended')
    out.push({ type: 'settle', waiter: event.waiter, result: { ok: false, error } })
  }
}

function mustKey(state: SchedulerState, id: Key): KeyState {
  const key = state.keys.get(id)
  if (!key) throw new SkiffError('EINTERNAL', `scheduler event for unknown key ${id}`)
  return key
}

function mustTarget(state: SchedulerState, location: string): TargetState {
  const target = state.targets.get(location)
  if (!target) throw new SkiffError('EINTERNAL', `scheduler event for unknown target ${location}`)
  return target
}

function assertNever(value: never): never {
  throw new SkiffError('EINTERNAL', `unhandled scheduler input ${JSON.stringify(value)}`)
}
