/**
 * Difference between two package-lock.json files, entry by entry. The goal is byte-identical
 * output, so key order counts: an entry whose fields are equal but ordered differently is a
 * difference, and so is a file whose JSON is equal but whose text is not (indentation, newline).
 */

export type LockDifference =
  | { kind: 'only-left'; key: string }
  | { kind: 'only-right'; key: string }
  | { kind: 'changed'; key: string; fields: string[] }
  | { kind: 'top-level'; field: string }
  | { kind: 'format' }

export interface LockComparison {
  identical: boolean
  differences: LockDifference[]
}

type JsonObject = Record<string, unknown>

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Fields whose values differ; '(key order)' when only the order of the keys does. */
function differingFields(left: JsonObject, right: JsonObject): string[] {
  const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])]
  const fields = keys.filter((key) => JSON.stringify(left[key]) !== JSON.stringify(right[key]))
  if (fields.length === 0 && JSON.stringify(left) !== JSON.stringify(right)) return ['(key order)']
  return fields
}

export function compareLockfiles(leftText: string, rightText: string): LockComparison {
  if (leftText === rightText) return { identical: true, differences: [] }
  const left: unknown = JSON.parse(leftText)
  const right: unknown = JSON.parse(rightText)
  if (!isObject(left) || !isObject(right)) return { identical: false, differences: [{ kind: 'top-level', field: '(root)' }] }
  const differences: LockDifference[] = []
  const { packages: leftPackages, ...leftTop } = left
  const { packages: rightPackages, ...rightTop } = right
  for (const field of differingFields(leftTop, rightTop)) differences.push({ kind: 'top-level', field })
  const leftEntries = isObject(leftPackages) ? leftPackages : {}
  const rightEntries = isObject(rightPackages) ? rightPackages : {}
  if (JSON.stringify(Object.keys(leftEntries)) !== JSON.stringify(Object.keys(rightEntries))) {
    const rightKeys = new Set(Object.keys(rightEntries))
    const sameKeysInOrder = Object.keys(leftEntries).filter((key) => rightKeys.has(key))
    const rightOrder = Object.keys(rightEntries).filter((key) => key in leftEntries)
    if (JSON.stringify(sameKeysInOrder) !== JSON.stringify(rightOrder)) differences.push({ kind: 'top-level', field: 'packages (key order)' })
  }
  for (const [key, leftEntry] of Object.entries(leftEntries)) {
    const rightEntry = rightEntries[key]
    if (rightEntry === undefined) {
      differences.push({ kind: 'only-left', key })
      continue
    }
    const fields = isObject(leftEntry) && isObject(rightEntry) ? differingFields(leftEntry, rightEntry) : ['(entry)']
    if (fields.length > 0) differences.push({ kind: 'changed', key, fields })
  }
  for (const key of Object.keys(rightEntries)) {
    if (!(key in leftEntries)) differences.push({ kind: 'only-right', key })
  }
  if (differences.length === 0) differences.push({ kind: 'format' })
  return { identical: false, differences }
}

export function describeLockDifference(difference: LockDifference, leftName: string, rightName: string): string {
  switch (difference.kind) {
    case 'only-left':
      return `${difference.key}: only in ${leftName}`
    case 'only-right':
      return `${difference.key}: only in ${rightName}`
    case 'changed':
      return `${difference.key}: ${difference.fields.join(', ')} differ`
    case 'top-level':
      return `top-level ${difference.field} differs`
    case 'format':
      return 'same JSON, different text (indentation, key spacing or final newline)'
  }
}
