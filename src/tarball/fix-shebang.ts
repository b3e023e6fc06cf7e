/**
 * bin-links' fix for bins written on Windows: when the first 2048 bytes of a bin hold a first
 * line that starts with `#!` and ends in CRLF, that one line ending becomes LF. npm rewrites the
 * file as UTF-8 text (read as a string, written back), so the same is done here: bytes that are
 * not valid UTF-8 come back as U+FFFD, exactly as npm leaves them.
 */
const PROBE_BYTES = 2048
const NEWLINE = 0x0a
const RETURN = 0x0d

/** The fixed file, or `undefined` when it needs no fix. */
export function fixShebang(bytes: Uint8Array): Uint8Array | undefined {
  if (!hasWindowsShebang(bytes)) return undefined
  const text = new TextDecoder().decode(bytes)
  return new TextEncoder().encode(text.replace(/^(#![^\n]+)\r\n/, '$1\n'))
}

function hasWindowsShebang(bytes: Uint8Array): boolean {
  if (bytes[0] !== 0x23 || bytes[1] !== 0x21) return false
  const newline = bytes.subarray(0, PROBE_BYTES).indexOf(NEWLINE)
  // `#!`, at least one character, then "\r\n"
  return newline >= 4 && bytes[newline - 1] === RETURN
}
