/**
 * Per-item results of the multi-message endpoints (batch, distribute): each item answers what the single
 * send would have, with that HTTP status, so one bad item never stops the others.
 */
import { isSimError } from '../../engine/errors.js';
import { errorBody, type HubErrorBody } from './errors.js';

export type ItemResult<Extra> = Extra & { index: number; status: number } & ({ data: unknown } | { error: HubErrorBody });

export function runItem<Extra extends object>(index: number, extra: Extra, send: () => unknown): ItemResult<Extra> {
  try {
    return { index, ...extra, status: 201, data: send() };
  } catch (error) {
    if (!isSimError(error)) throw error;
    return { index, ...extra, status: error.status, error: errorBody(error) };
  }
}

export function summary<T extends { status: number }>(results: T[]) {
  const accepted = results.filter((r) => r.status === 201).length;
  return { total: results.length, accepted, rejected: results.length - accepted, results };
}
