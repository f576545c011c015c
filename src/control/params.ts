/** Small readers for control-API inputs: durations ("90s", "2h", 1500) and bounded integers. */
import { badRequest } from './errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Accepts milliseconds as a number or a string like "500ms", "30s", "5m", "2h", "1d", "1h30m". */
export function parseDuration(input: unknown, field: string): number {
  const ms = durationOf(input);
  // A string of 400 digits is a number too: Infinity, which no clock or timer can use.
  if (ms !== undefined && Number.isFinite(ms)) return ms;
  throw badRequest(`${field} must be a finite duration in ms or like "30s", "5m", "2h"`, field, input);
}

function durationOf(input: unknown): number | undefined {
  if (typeof input === 'number' && input >= 0) return input;
  if (typeof input === 'string') {
    const parts = [...input.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
    const joined = parts.map((p) => p[0]).join('');
    if (parts.length > 0 && joined === input.trim().replace(/\s+/g, '')) {
      return parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!]!, 0);
    }
    if (/^\d+$/.test(input.trim())) return Number(input);
  }
  return undefined;
}

export function parseIntParam(input: unknown, field: string, min: number, max: number, fallback: number): number {
  if (input === undefined || input === '') return fallback;
  const value = typeof input === 'number' ? input : Number(input);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badRequest(`${field} must be an integer from ${min} to ${max}`, field, input);
  }
  return value;
}

export function optionalString(input: unknown, field: string): string | undefined {
  if (input === undefined) return undefined;
  if (typeof input !== 'string') throw badRequest(`${field} must be a string`, field, input);
  return input;
}
