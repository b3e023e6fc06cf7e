/**
 * Run by create-store.test.ts in a separate `bun` process: adds one tarball to a store. The
 * extractor waits, after extracting, until every racer has extracted, so that all of them try to
 * publish the same key with a staging folder ready: exactly one rename wins.
 *   bun add-in-child.ts <root> <tgz> <integrity> <barrier-dir> <racers>
 */
import fs from 'node:fs'
import path from 'node:path'
import { createStore } from '../../src/store/index.ts'
import { countPaths, extractTarball, type Extractor } from '../../src/tarball/index.ts'

const [root, tgz, integrity, barrierDir, racers] = process.argv.slice(2) as [string, string, string, string, string]

const waitingExtractor: Extractor = {
  async extract(bytes, destDir, opts) {
    const result = await extractTarball(bytes, destDir, opts)
    fs.writeFileSync(path.join(barrierDir, `extracted-${process.pid}`), '')
    while (fs.readdirSync(barrierDir).filter((name) => name.startsWith('extracted-')).length < Number(racers)) await Bun.sleep(5)
    return result
  },
}

const store = createStore(root, waitingExtractor)
const stored = await store.add(store.keyFor({ integrity }), fs.readFileSync(tgz), { pkg: 'raced@1.0.0', integrity })
console.log(JSON.stringify({ dir: stored.dir, files: countPaths(stored.index.files) }))
