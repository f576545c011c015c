/** Small readers for control-API inputs: durations ("90s", "2h", 1500) and bounded integers. */
import { durationMs } from '../engine/duration.js';
import { badRequest } from './errors.js';

/** Accepts milliseconds as a number or a string like "500ms", "30s", "5m", "2h", "1d", "1h30m". */
export function parseDuration(input: unknown, field: string): number {
  const ms = durationMs(input);
  if (ms !== undefined) return ms;
  throw badRequest(`${field} must be a finite duration in ms or like "30s", "5m", "2h"`, field, input);
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
