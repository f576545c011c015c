/** Assertions and readers shared by the provider suites. */
import { expect } from 'vitest';
import type { ApiResponse, TestSim } from './harness.js';

/**
 * Asserts the `{error:{code, message, details?:{field, value}}}` envelope that Msghub, MsGine,
 * MessageHub and MsgFlash share: the status, a JSON body, the code, a message, and when given the field
 * and value.
 */
export function expectErrorEnvelope(res: ApiResponse, status: number, code: string, field?: string, value?: unknown): void {
  expect(res.status, `${res.status} ${res.text}`).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
  expect(res.body.error.code).toBe(code);
  expect(typeof res.body.error.message).toBe('string');
  expect(res.body.error.message.length).toBeGreaterThan(0);
  if (field !== undefined) expect(res.body.error.details?.field).toBe(field);
  if (value !== undefined) expect(res.body.error.details?.value).toEqual(value);
}

/** The engine outbox of one provider (one tenant, or all), from the control API. */
export async function outboxOf(sim: TestSim, provider: string, tenant?: string): Promise<{ total: number; data: Array<Record<string, any>> }> {
  const res = await sim.http.get('/_sim/messages').query({ provider, limit: 1000, ...(tenant ? { tenant } : {}) });
  expect(res.status).toBe(200);
  return { total: res.body.total as number, data: res.body.data as Array<Record<string, any>> };
}
