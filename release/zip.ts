/**
 * A .zip writer for the Windows release archive: deflated entries with Unix modes, no zip64
 * (every archive is far below 4 GiB), a fixed timestamp so the same input gives the same bytes.
 * Layout (PKWARE APPNOTE 4.3): local header + data per entry, the central directory, its end.
 */
import { deflateRawSync } from 'node:zlib'

export interface ZipEntry {
  /** path inside the archive, `/`-separated */
  name: string
  data: Uint8Array
  mode: number
}

// 1980-01-01 00:00, the first moment a DOS date can hold
const DOS_TIME = 0
const DOS_DATE = (0 << 9) | (1 << 5) | 1
/** made by: Unix (3), so unzip applies the mode in the external attributes; zip spec 2.0 */
const MADE_BY = (3 << 8) | 20
const UTF8_NAMES = 0x0800

export function createZip(entries: readonly ZipEntry[]): Uint8Array {
  const parts: Uint8Array[] = []
  const central: Uint8Array[] = []
  let offset = 0
  for (const entry of entries) {
    const name = new TextEncoder().encode(entry.name)
    const compressed = deflateRawSync(entry.data, { level: 6 })
    const crc = Bun.hash.crc32(entry.data)
    const local = header(30 + name.length, (view) => {
      view.setUint32(0, 0x04034b50, true)
      view.setUint16(4, 20, true)
      view.setUint16(6, UTF8_NAMES, true)
      view.setUint16(8, 8, true)
      view.setUint16(10, DOS_TIME, true)
      view.setUint16(12, DOS_DATE, true)
      view.setUint32(14, crc, true)
      view.setUint32(18, compressed.length, true)
      view.setUint32(22, entry.data.length, true)
      view.setUint16(26, name.length, true)
      view.setUint16(28, 0, true)
    }, name)
    central.push(header(46 + name.length, (view) => {
      view.setUint32(0, 0x02014b50, true)
      view.setUint16(4, MADE_BY, true)
      view.setUint16(6, 20, true)
      view.setUint16(8, UTF8_NAMES, true)
      view.setUint16(10, 8, true)
      view.setUint16(12, DOS_TIME, true)
      view.setUint16(14, DOS_DATE, true)
      view.setUint32(16, crc, true)
      view.setUint32(20, compressed.length, true)
      view.setUint32(24, entry.data.length, true)
      view.setUint16(28, name.length, true)
      // extra field, comment, disk number, internal attributes: none
      view.setUint32(38, ((0o100000 | entry.mode) << 16) >>> 0, true)
      view.setUint32(42, offset, true)
    }, name))
    parts.push(local, compressed)
    offset += local.length + compressed.length
  }
  const centralSize = central.reduce((sum, part) => sum + part.length, 0)
  const end = header(22, (view) => {
    view.setUint32(0, 0x06054b50, true)
    view.setUint16(8, entries.length, true)
    view.setUint16(10, entries.length, true)
    view.setUint32(12, centralSize, true)
    view.setUint32(16, offset, true)
  })
  return Buffer.concat([...parts, ...central, end])
}

function header(size: number, fill: (view: DataView) => void, name?: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(size)
  fill(new DataView(bytes.buffer))
  if (name) bytes.set(name, size - name.length)
  return bytes
}
