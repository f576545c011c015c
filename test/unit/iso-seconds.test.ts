import { describe, expect, it } from 'vitest';
import { isoSeconds } from '../../src/engine/iso-seconds.js';
import { wholeSecondBound } from '../../src/engine/pagination.js';

describe('isoSeconds', () => {
  it.each([
    ['2024-01-15T10:30:00.000Z', '2024-01-15T10:30:00Z'],
    ['2024-01-15T10:30:00.999Z', '2024-01-15T10:30:00Z'],
    ['9998-12-31T23:59:59.999Z', '9998-12-31T23:59:59Z'],
    ['2024-01-15T10:30:00Z', '2024-01-15T10:30:00Z'],
  ])('%s → %s (truncated, never rounded up)', (iso, expected) => {
    expect(isoSeconds(iso)).toBe(expected);
  });
});

describe('wholeSecondBound', () => {
  it('an after bound starts at the first whole second at or after it', () => {
    expect(wholeSecondBound('2024-01-15T10:30:00Z', 'after')).toBe('2024-01-15T10:30:00.000Z');
    expect(wholeSecondBound('2024-01-15T10:30:00.001Z', 'after')).toBe('2024-01-15T10:30:01.000Z');
  });

  it('a before bound reaches the end of its second, so the time a client read includes its row', () => {
    expect(wholeSecondBound('2024-01-15T10:30:00Z', 'before')).toBe('2024-01-15T10:30:00.999Z');
    expect(wholeSecondBound('2024-01-15T16:00:00.700+05:30', 'before')).toBe('2024-01-15T10:30:00.999Z');
  });

  it('absent is no bound', () => {
    expect(wholeSecondBound(undefined, 'after')).toBeUndefined();
  });
});
