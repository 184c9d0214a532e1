import { describe, expect, it } from 'vitest';
import { campaign } from '../test/render';
import { emptyValues, fieldForError, toInput, toPatch, valuesFromCampaign } from './campaignFormModel';

describe('campaign form model', () => {
  it('sends empty optional fields as null and uppercases the currency', () => {
    const v = { ...emptyValues(''), name: ' Launch ', budget: '10', currency: 'eur' };
    expect(toInput(v)).toEqual({
      name: 'Launch', goal: null, starts_on: null, ends_on: null, timezone: null,
      sponsored: false, budget: '10', currency: 'EUR', notes: null,
    });
  });

  it('patches only what changed; clearing sends ""', () => {
    const c = campaign({ name: 'A', goal: 'Grow', version: 7, sponsored: true });
    const v = { ...valuesFromCampaign(c), goal: '', notes: 'new', sponsored: false };
    expect(toPatch(c, v)).toEqual({
      name: null, goal: '', starts_on: null, ends_on: null, timezone: null,
      sponsored: false, budget: null, currency: null, notes: 'new', expected_version: 7,
    });
  });

  it('places each error code on its field', () => {
    const v = emptyValues('UTC');
    const at = (code: Parameters<typeof fieldForError>[0]['code'], values = v) => fieldForError({ code, message: '' }, values);
    expect(at('invalid_name')).toBe('name');
    expect(at('invalid_timezone')).toBe('timezone');
    expect(at('invalid_date_range')).toBe('ends');
    expect(at('invalid_date', { ...v, ends: 'x' })).toBe('ends');
    expect(at('invalid_date', { ...v, starts: '2025-13-01' })).toBe('starts');
    expect(at('invalid_budget')).toBe('budget');
    expect(at('invalid_currency')).toBe('currency');
    expect(at('conflict')).toBeNull();
    expect(at('database_busy')).toBeNull();
  });
});
