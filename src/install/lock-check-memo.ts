/**
 * Remembers the outcome of lockfile checks that passed, so that `ci` run again on the same files
 * skips the check (antd: 0.3-0.4 s of CPU of a warm install). A fingerprint covers everything the
 * check reads: package.json's text, the lockfile's bytes, the local manifests (workspaces, file:
 * folders), legacy-peer-deps and omit-lockfile-registry-resolved, and a salt naming the build
 * (another build may judge otherwise).
 * What a check that passed found (the entries npm would leave out, the flags it would compute
 * otherwise: what the install needs from it) is kept as one small JSON file per fingerprint; a
 * folder that cannot be written, or a file that cannot be read back, only costs the check.
 *
 * The lockfile is read a second time for its fingerprint: an edit landing between the two reads
 * (during the install) could pair a fingerprint with text that was not checked.
 */
import fs from 'node:fs'
import path from 'node:path'

export interface LockCheckInputs {
  packageJsonText: string
  lockfileBytes: Uint8Array
  localManifests: ReadonlyMap<string, unknown>
  legacyPeerDeps: boolean
  /** the check then also says which packages' `resolved` the hidden lockfile leaves out */
  omitLockfileRegistryResolved: boolean
}

/** What a check that passed found, as JSON, or undefined for a check that must run every time. */
export type CheckOutcome = unknown

export interface LockCheckMemo {
  /**
   * The outcome of `check` for these inputs: remembered from a run that passed, else `check`'s
   * own (remembered unless it is undefined). A check that throws is never remembered.
   */
  checkOnce<T extends CheckOutcome>(inputs: LockCheckInputs, check: () => T | undefined): T | undefined
}

export function createLockCheckMemo(dir: string, salt: string): LockCheckMemo {
  return {
    checkOnce<T>(inputs: LockCheckInputs, check: () => T | undefined): T | undefined {
      const file = path.join(dir, lockCheckFingerprint(inputs, salt))
      const remembered = readOutcome(file)
      if (remembered !== undefined) return remembered as T
      const outcome = check()
      if (outcome === undefined) return undefined
      try {
        fs.mkdirSync(dir, { recursive: true })
        // written aside and renamed: a reader never sees half a file
        const temp = `${file}.${process.pid}.tmp`
        fs.writeFileSync(temp, JSON.stringify(outcome))
        fs.renameSync(temp, file)
      } catch {
        // best effort: the check runs again next time
      }
      return outcome
    },
  }
}

function readOutcome(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
}

/**
 * Changes whenever what a remembered check decides changes (2: no unreached entries either;
 * 3: folders outside the project; 4: flags as npm computes them, optional peers do not reach;
 * 5: what the check found is kept with it).
 */
const CHECK_FORMAT = 'check 5'

export function lockCheckFingerprint(inputs: LockCheckInputs, salt: string): string {
  // Bun's hasher: loading node:crypto costs ~20 ms of module start-up
  const hash = new Bun.CryptoHasher('sha256')
  const settings = `${inputs.legacyPeerDeps} ${inputs.omitLockfileRegistryResolved}`
  for (const part of [CHECK_FORMAT, salt, settings, inputs.packageJsonText, JSON.stringify([...inputs.localManifests])]) {
    hash.update(`${Buffer.byteLength(part)}:`).update(part)
  }
  return hash.update(inputs.lockfileBytes).digest('hex')
}
