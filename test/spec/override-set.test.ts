import { describe, expect, test } from 'bun:test'
import { OverrideSet } from '../../src/spec/override-set.ts'

describe('OverrideSet', () => {
  test('a top-level rule applies to every edge with that name, whatever its spec', () => {
    const root = new OverrideSet({ b: '2.0.0' })
    const rule = root.edgeRule('b', '^1.0.0')
    expect({ name: rule.name, keySpec: rule.keySpec, value: rule.value }).toEqual({ name: 'b', keySpec: '*', value: '2.0.0' })
    expect(root.edgeRule('c', '^1.0.0')).toBe(root)
  })

  test('a rule keyed with a range applies only to edges whose range intersects it', () => {
    const root = new OverrideSet({ 'b@^1': '1.5.0' })
    expect(root.edgeRule('b', '^1.2.0').value).toBe('1.5.0')
    expect(root.edgeRule('b', '^2.0.0')).toBe(root)
    expect(root.edgeRule('b', 'npm:other@^1.0.0').value).toBe('1.5.0')
    expect(root.edgeRule('b', 'next').value).toBe('1.5.0')
  })

  test('nested rules apply only below the package they are scoped to', () => {
    const root = new OverrideSet({ a: { b: '1.0.0' } })
    expect(root.edgeRule('b', '^1')).toBe(root)
    const underA = root.edgeRule('a', '^1')
    expect({ name: underA.name, value: underA.value }).toEqual({ name: 'a', value: '*' })
    expect(underA.edgeRule('b', '^1').value).toBe('1.0.0')
  })

  test('"." sets the scoped package\'s own version; a string is shorthand for it', () => {
    const root = new OverrideSet({ a: { '.': '2.0.0', b: '1.0.0' }, c: '3.0.0' })
    expect(root.edgeRule('a', '^1').value).toBe('2.0.0')
    expect(root.edgeRule('c', '^1').value).toBe('3.0.0')
  })

  test('of two sets reaching one package, the more specific wins; incompatible siblings conflict', () => {
    const root = new OverrideSet({ a: { x: '1.0.0' }, b: { x: '2.0.0' }, c: { y: '1.0.0' } })
    const underA = root.edgeRule('a', '*')
    const underB = root.edgeRule('b', '*')
    const underC = root.edgeRule('c', '*')
    expect(OverrideSet.findSpecific(root, underA)).toBe(underA)
    expect(OverrideSet.doConflict(underA, underB)).toBe(true)
    expect(OverrideSet.doConflict(underA, underC)).toBe(false)
  })

  test('sets built from the same rules are equal', () => {
    expect(new OverrideSet({ a: { b: '1' } }).isEqual(new OverrideSet({ a: { b: '1' } }))).toBe(true)
    expect(new OverrideSet({ a: { b: '1' } }).isEqual(new OverrideSet({ a: { b: '2' } }))).toBe(false)
  })
})
