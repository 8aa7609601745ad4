import { describe, expect, it } from 'vitest';
import { evaluateCondition } from './condition.ts';

describe('condition operators', () => {
  it('equals and not-equals ignore letter case for text, as Dataverse does', () => {
    expect(evaluateCondition('MixedCase', 'equals', 'MIXEDCASE')).toBe(true);
    expect(evaluateCondition('MixedCase', 'equals', 'mixedcase')).toBe(true);
    expect(evaluateCondition('MixedCase', 'not-equals', 'MIXEDCASE')).toBe(false);
    expect(evaluateCondition('Æble', 'equals', 'æBLE')).toBe(true);
    expect(evaluateCondition('MixedCase', 'equals', 'Mixed')).toBe(false);
    expect(evaluateCondition('MixedCase', 'not-equals', 'Other')).toBe(true);
    // In a list (web roles, invited contacts) any item may match.
    expect(evaluateCondition(['A', 'BeTa'], 'equals', 'beta')).toBe(true);
    // Other values compare as their text.
    expect(evaluateCondition(3, 'equals', '3')).toBe(true);
    expect(evaluateCondition(true, 'equals', 'TRUE')).toBe(true);
    expect(evaluateCondition(null, 'equals', null)).toBe(true);
    expect(evaluateCondition('x', 'equals', null)).toBe(false);
  });

  it('contains ignores letter case too; is-empty and is-not-empty take no value', () => {
    expect(evaluateCondition('Hello World', 'contains', 'WORLD')).toBe(true);
    expect(evaluateCondition('', 'is-empty', undefined)).toBe(true);
    expect(evaluateCondition([], 'is-empty', undefined)).toBe(true);
    expect(evaluateCondition('x', 'is-not-empty', undefined)).toBe(true);
  });
});
