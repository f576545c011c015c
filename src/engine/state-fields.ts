/**
 * The checks state-check.ts runs on each field of a state document, each throwing a 400 that names the
 * field and quotes (a short) value.
 */
import { LATEST_TIME } from './clock.js';
import { SimError } from './errors.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 64;

export function invalid(message: string, field: string, value?: unknown): SimError {
  return new SimError({ kind: 'invalid_request', message, field, ...(value !== undefined ? { value: short(value) } : {}) });
}

/** Errors quote what was sent, but never a whole record. */
function short(value: unknown): unknown {
  if (typeof value === 'string') return value.length > 200 ? `${value.slice(0, 200)}…` : value;
  return value !== null && typeof value === 'object' ? undefined : value;
}

export function object(value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(`${field} must be an object`, field);
  return value as Record<string, unknown>;
}

export function exact(value: unknown, field: string, keys: readonly string[]): Record<string, unknown> {
  const out = object(value, field);
  allowed(out, field, keys);
  return out;
}

export function allowed(value: Record<string, unknown>, field: string, keys: readonly string[]): void {
  const unknown = Object.keys(value).find((k) => !keys.includes(k));
  if (unknown !== undefined) throw invalid(`unknown field ${unknown}; ${field} has ${keys.join(', ')}`, `${field}.${unknown}`);
}

/** Missing sections are empty: a hand-written document may hold only what it restores. */
export function list(value: unknown, field: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid(`${field} must be an array`, field);
  return value;
}

export function string(value: unknown, field: string, emptyOk = false): string {
  if (typeof value !== 'string' || (!emptyOk && value === '')) throw invalid(`${field} must be a ${emptyOk ? '' : 'non-empty '}string`, field, value);
  return value;
}

export function stringMap(value: unknown, field: string): void {
  const map = object(value, field);
  for (const [name, v] of Object.entries(map)) if (typeof v !== 'string') throw invalid(`${field}.${name} must be a string`, `${field}.${name}`, v);
}

export function count(value: unknown, field: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw invalid(`${field} must be a non-negative integer`, field, value);
  return value as number;
}

/** Epoch milliseconds the clock can reach. */
export function time(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > LATEST_TIME)
    throw invalid(`${field} must be a time in epoch milliseconds`, field, value);
  return value;
}

export function isoTime(value: unknown, field: string): number {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms) || ms > LATEST_TIME) throw invalid(`${field} must be an ISO 8601 time`, field, value);
  return ms;
}

/** Keys that could pollute prototypes, and absurd nesting, anywhere in the document. */
export function inspect(value: unknown, path: string, depth: number): void {
  if (value === null || typeof value !== 'object') return;
  if (depth > MAX_DEPTH) throw invalid(`nested deeper than ${MAX_DEPTH} levels`, path || 'body');
  if (Array.isArray(value)) {
    value.forEach((item, i) => inspect(item, `${path}[${i}]`, depth + 1));
    return;
  }
  for (const key of Object.keys(value)) {
    const field = path ? `${path}.${key}` : key;
    if (FORBIDDEN_KEYS.has(key)) throw invalid(`property name '${key}' is not allowed`, field, key);
    inspect((value as Record<string, unknown>)[key], field, depth + 1);
  }
}
