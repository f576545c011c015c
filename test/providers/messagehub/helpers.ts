import { expectErrorEnvelope, outboxOf } from '../../support/assertions.js';
/**
 * Shared pieces of the MessageHub integration tests: the doc's key and examples, a sim with clients for
 * the fixture keys, error and rate-limit-header assertions in MessageHub's envelope, and the /_sim outbox.
 */
import { expect } from 'vitest';
import { createTestSim, T0, type ProviderClient, type TestSim } from '../../support/harness.js';
import type { EngineOptions } from '../../../src/engine/engine.js';

export { T0 };
/** The doc's own key, used as written. */
export const KEY = 'cpk_live_your_api_key';
export const OTHER_KEY = 'cpk_test_other_account';
export const BASE = '/messagehub/api/v1';

/** The doc's Quick Start send. */
export const DOC_SEND = { to: '+919876543210', channel: 'whatsapp', content: 'Hello from MessageHub API!' } as const;

/** The doc's WhatsApp template example. */
export const DOC_TEMPLATE = {
  to: '+919876543210',
  channel: 'whatsapp',
  contentType: 'template',
  templateId: 'order_confirmation',
  templateParams: { customer_name: 'Rajesh', order_id: '1234', delivery_date: '2026-02-15' },
} as const;

/** The doc's Kakao AlimTalk example. */
export const DOC_ALIMTALK = {
  to: '+821012345678',
  channel: 'kakao',
  contentType: 'template',
  templateId: 'order_confirm_001',
  templateParams: { 고객명: 'Kim Minjun', 주문번호: 'ORD-5678', 상품명: 'Galaxy Watch 7', 금액: '399,000' },
} as const;

/** The doc's Kakao Brand Message example. */
export const DOC_BRAND = { to: '+821012345678', channel: 'kakao', content: '특별 할인! 30% 쿠폰을 지금 받아가세요.', contentType: 'brandmessage' } as const;

export const TELEGRAM_CHAT = '123456789';
export const LINE_USER = 'U4af4980629a0c8b1b2c3d4e5f6a7b8c9';

export interface HubSim {
  sim: TestSim;
  api: ProviderClient;
  other: ProviderClient;
  /** A client for any key (fixture keys: cpk_test_readonly, cpk_live_free_tier…). */
  as(key: string): ProviderClient;
}

export async function hubSim(options: Partial<EngineOptions> = {}): Promise<HubSim> {
  const sim = await createTestSim(options);
  const as = (key: string) => sim.client('messagehub', { Authorization: `Bearer ${key}` });
  return { sim, api: as(KEY), other: as(OTHER_KEY), as };
}

export const at = (ms: number): string => new Date(T0 + ms).toISOString();

/** Asserts MessageHub's error envelope, with the code and, when given, details.field / details.value. */
export const expectError = expectErrorEnvelope;

/** Asserts the three X-RateLimit headers; reset is the unix second the window ends. */
export function expectRateHeaders(res: { headers: Record<string, unknown> }, limit: number, remaining: number, resetMs: number): void {
  expect(res.headers['x-ratelimit-limit']).toBe(String(limit));
  expect(res.headers['x-ratelimit-remaining']).toBe(String(remaining));
  expect(res.headers['x-ratelimit-reset']).toBe(String(resetMs / 1000));
}

/** The minute window around T0 (10:30:00.000Z is on a minute boundary) ends one minute later. */
export const FIRST_WINDOW_END = T0 + 60_000;

/** Engine messages (attempts) of MessageHub from the /_sim outbox, newest first. */
export const outbox = async (sim: TestSim, tenant?: string) => (await outboxOf(sim, 'messagehub', tenant)).data;

/** Sends and returns the new message id (asserting the 201). */
export async function send(api: ProviderClient, body: unknown): Promise<string> {
  const res = await api.post('/messages/send', body);
  expect(res.status, res.text).toBe(201);
  return res.body.data.messageId as string;
}

export async function getMessage(api: ProviderClient, id: string): Promise<Record<string, any>> {
  const res = await api.get(`/messages/${id}`);
  expect(res.status, res.text).toBe(200);
  return res.body.data as Record<string, any>;
}

/** POSTs a delivery receipt to the public webhook (no key), through the spec-checked client. */
export function receipt(sim: TestSim, body: unknown) {
  return sim.client('messagehub').post('/webhooks/delivery', body);
}
