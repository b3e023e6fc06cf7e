/**
 * Remembers the inputs of lockfile checks that passed, so that `ci` run again on the same files
 * skips the check (antd: 74 ms of a 1 s warm install). A fingerprint covers everything the check
 * reads: package.json's text, the lockfile's bytes, the local manifests (workspaces, file:
 * folders), legacy-peer-deps, and a salt naming the build (another build may judge otherwise).
 * Only a check that passed with nothing to report is remembered, as one empty file per fingerprint; a folder that cannot
 * be written only costs the check next time.
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
}

export interface LockCheckMemo {
  /**
   * Runs `check` unless these inputs passed it before; remembers them when it returns true
   * (false: it passed, but found something the caller must see each time).
   */
  checkOnce(inputs: LockCheckInputs, check: () => boolean): void
}

export function createLockCheckMemo(dir: string, salt: string): LockCheckMemo {
  return {
    checkOnce(inputs, check) {
      const file = path.join(dir, lockCheckFingerprint(inputs, salt))
      if (fs.existsSync(file)) return
      if (!check()) return
      try {
        fs.mkdirSync(dir, { recursive: true })
        fs.writeFileSync(file, '')
      } catch {
        // best effort: the check runs again next time
      }
    },
  }
}

/**
 * Changes whenever what a remembered check decides changes (2: no unreached entries either;
 * 3: folders outside the project; 4: flags as npm computes them, optional peers do not reach).
 */
const CHECK_FORMAT = 'check 4'

export function lockCheckFingerprint(inputs: LockCheckInputs, salt: string): string {
  // Bun's hasher: loading node:crypto costs ~20 ms of module start-up
  const hash = new Bun.CryptoHasher('sha256')
  for (const part of [CHECK_FORMAT, salt, String(inputs.legacyPeerDeps), inputs.packageJsonText, JSON.stringify([...inputs.localManifests])]) {
    hash.update(`${Buffer.byteLength(part)}:`).update(part)
  }
  return hash.update(inputs.lockfileBytes).digest('hex')
}
