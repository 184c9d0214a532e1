import { describe, expect, it } from 'vitest';
import type { FactorView } from '../backend';
import { formatFactorValue, localToRfc3339 } from './score';

const f = (over: Partial<FactorView>): FactorView => ({
  id: 'hook_text', label: 'X', group: 'text', value: 1, unit: 's', subscore: 1, weight: 1, contribution: 1, potential: 1, advice: null, blocking: false, ...over,
});

describe('score helpers', () => {
  it('turns a datetime-local value into RFC 3339 with the local offset', () => {
    const out = localToRfc3339('2025-06-01T18:30')!;
    expect(out).toMatch(/^2025-06-01T18:30:00[+-]\d{2}:\d{2}$/);
    expect(new Date(out).getTime()).toBe(new Date('2025-06-01T18:30:00').getTime());
    expect(localToRfc3339('')).toBeNull();
    expect(localToRfc3339('soon')).toBeNull();
  });

  it('formats factor values with their units', () => {
    expect(formatFactorValue(f({ value: 2.345, unit: 's' }))).toBe('2.35 s');
    expect(formatFactorValue(f({ value: 1, unit: 'yes/no' }))).toBe('yes');
    expect(formatFactorValue(f({ value: 0.25, unit: 'share' }))).toBe('25%');
    expect(formatFactorValue(f({ value: -14, unit: 'LUFS' }))).toBe('−14 LUFS');
    expect(formatFactorValue(f({ value: null }))).toBeNull();
  });
});
