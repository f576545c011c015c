/**
 * What a user would miss after a restart survives it (`--data`, the built CLI, a manual clock):
 * - idempotency keys: after kill -9, replaying 50 keys returns the 50 original responses, no duplicate;
 * - quotas: a monthly quota used up to 4 of 5 before kill -9 has 1 left after it; Msghub's daily 10,000,
 *   used up to 9,998, has 2 left, then a 429 until midnight;
 * - webhook deliveries: 200 events retrying against a receiver that is down at kill -9 each arrive
 *   exactly once after the restart, when the receiver is back; after a graceful stop, no event that was
 *   delivered is sent again, however far the clock then moves;
 * - scheduled work: a running campaign, a scheduled send, a bulk contact job, a fallback chain and a
 *   flow's delayed step, each cut by kill -9, go on at their times after the restart, nothing twice.
 * Every wait is for a state (polled, bounded), never for a length of time.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, http, killAll, startCli, stop, type ApiResponse, type Running } from '../support/cli.js';

const MSGHUB = { 'X-API-Key': 'mk_live_restart0001', 'Content-Type': 'application/json' };
const MSGFLASH_TINY = { 'x-api-key': 'msgf_live_quota_tiny', 'Content-Type': 'application/json' };
const MSGFLASH = { 'x-api-key': 'msgf_live_restart0001', 'Content-Type': 'application/json' };
const MESSAGEHUB = { Authorization: 'Bearer cpk_live_restart0001', 'Content-Type': 'application/json' };
const INSTANCE = '5f0c8a1e-2b7d-4c3a-9e61-0d4b8f2a7c11';

export const restartFigures = {
  replayed: 0,
  dailyUsedBeforeKill: 0,
  dailyAnsweredAfter: 0,
  dailyRetryAfter: 0,
  webhookEvents: 0,
  webhookDuplicates: 0,
  graceful: 0,
  campaignMessages: 0,
};

/** A receiver the test owns, so it outlives the simulator; counts each event id it answered 200. */
class Receiver {
  readonly seen = new Map<string, number>();
  private server: Server | undefined;

  constructor(readonly port: number) {}

  static async onFreePort(): Promise<Receiver> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return new Receiver(port);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const id = String(req.headers['x-msghub-event-id']);
        this.seen.set(id, (this.seen.get(id) ?? 0) + 1);
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const post = (run: Running, url: string, headers: Record<string, string>, body: unknown, extra: Record<string, string> = {}) =>
  http(`${run.url}${url}`, { method: 'POST', headers: { ...headers, ...extra }, body: JSON.stringify(body) });
const get = (run: Running, url: string, headers: Record<string, string> = {}) => http(`${run.url}${url}`, { headers });
const advance = async (run: Running, by: string) =>
  expect((await post(run, '/_sim/clock/advance', { 'Content-Type': 'application/json' }, { by })).status).toBe(200);

/** Polls until `done` holds (bounded). */
async function until(what: string, done: () => Promise<boolean> | boolean, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never: ${what}`);
}

const deliveries = async (run: Running, status: string): Promise<number> =>
  ((await get(run, `/_sim/webhooks/deliveries?provider=msghub&status=${status}&limit=1`)).body as { total: number }).total;

async function sendMsghub(run: Running, to: string, extra: Record<string, string> = {}): Promise<ApiResponse> {
  return post(run, '/msghub/api/v1/messages/send', MSGHUB, { channel: 'sms', to, body: 'hello' }, extra);
}

describe('a restart with --data keeps what a user would miss', () => {
  let dir: string;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(path.join(tmpdir(), 'msgsim-restart-'));
  });
  afterEach(async () => {
    await killAll();
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    console.log('restart figures', JSON.stringify(restartFigures));
  });

  const cli = (file: string, ...args: string[]) => startCli(['--data', file, '--clock', 'manual', ...args]);

  it('idempotency keys replay their first response, and quotas count on, after kill -9', async () => {
    const file = path.join(dir, 'keys.json');
    const first = await cli(file);
    const original = new Map<string, string>();
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const res = await sendMsghub(first, `+1415555${String(i).padStart(4, '0')}`, { 'Idempotency-Key': `order-${i}` });
        expect(res.status).toBe(201);
        original.set(`order-${i}`, res.body.messageId as string);
      }),
    );
    // 4 of the tiny quota's 5: three reads, then a write (acknowledged with the counts before it).
    for (let i = 0; i < 3; i++) expect((await get(first, '/msgflash/api/v1/messages', MSGFLASH_TINY)).status).toBe(200);
    expect(
      (await post(first, '/msgflash/api/v1/messages/send', MSGFLASH_TINY, { instanceId: INSTANCE, to: '+14155550100', type: 'text', text: 'Hi' })).status,
    ).toBe(201);
    await stop(first, 'SIGKILL');

    const second = await cli(file);
    for (const [key, id] of original) {
      const res = await sendMsghub(second, `+1415555${key.slice(6).padStart(4, '0')}`, { 'Idempotency-Key': key });
      expect(res.status).toBe(201);
      expect(res.headers['idempotent-replayed']).toBe('true');
      expect(res.body.messageId).toBe(id);
      restartFigures.replayed++;
    }
    const listed = await get(second, '/msghub/api/v1/messages?limit=100', MSGHUB);
    expect(listed.body.data).toHaveLength(50);
    expect((await get(second, '/msgflash/api/v1/messages', MSGFLASH_TINY)).status).toBe(200);
    const over = await get(second, '/msgflash/api/v1/messages', MSGFLASH_TINY);
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('MONTHLY_API_QUOTA_EXCEEDED');
    await stop(second);
  }, 60_000);

  it("Msghub's daily quota counts on after kill -9: the rest of the day's 10,000, then 429 until midnight", async () => {
    const DAILY = 10_000;
    const USED = DAILY - 2;
    const DAY_MS = 86_400_000;
    const file = path.join(dir, 'daily.json');
    const first = await cli(file);
    // An hour into the next UTC day, so the run cannot cross a midnight.
    const dayStart = Math.ceil(((await get(first, '/_sim/clock')).body as { nowMs: number }).nowMs / DAY_MS) * DAY_MS;
    expect(
      (await post(first, '/_sim/clock/advance', { 'Content-Type': 'application/json' }, { to: new Date(dayStart + 3_600_000).toISOString() })).status,
    ).toBe(200);
    // Reads, 100 a simulated second (the per-second limit), then a send: acknowledged with the counts before it.
    for (let done = 0; done < USED - 1; done += 100) {
      const burst = await Promise.all(Array.from({ length: Math.min(100, USED - 1 - done) }, () => get(first, '/msghub/api/v1/webhooks', MSGHUB)));
      expect(
        burst.filter((res) => res.status !== 200).map((res) => res.status),
        `after ${done} reads`,
      ).toEqual([]);
      await advance(first, '1s');
    }
    expect((await sendMsghub(first, '+14155559999')).status).toBe(201);
    restartFigures.dailyUsedBeforeKill = USED;
    await stop(first, 'SIGKILL');

    const second = await cli(file);
    for (let i = 0; i < DAILY - USED; i++) expect((await get(second, '/msghub/api/v1/webhooks', MSGHUB)).status).toBe(200);
    restartFigures.dailyAnsweredAfter = DAILY - USED;
    const now = ((await get(second, '/_sim/clock')).body as { nowMs: number }).nowMs;
    const untilMidnight = Math.ceil((dayStart + DAY_MS - now) / 1000);
    const over = await get(second, '/msghub/api/v1/webhooks', MSGHUB);
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('rate_limit_exceeded');
    expect(over.headers['retry-after']).toBe(String(untilMidnight));
    // Not the per-second window: the day's, whichever endpoint asks.
    expect(untilMidnight).toBeGreaterThan(3_000);
    expect((await sendMsghub(second, '+14155559998')).status).toBe(429);
    restartFigures.dailyRetryAfter = untilMidnight;
    await stop(second);
  }, 120_000);

  it('webhook deliveries retrying at kill -9 each arrive exactly once after the restart', async () => {
    const file = path.join(dir, 'hooks.json');
    const receiver = await Receiver.onFreePort();
    const first = await cli(file, '--no-rate-limits');
    expect((await post(first, '/msghub/api/v1/webhooks', MSGHUB, { event: 'message.delivered', url: receiver.url })).status).toBe(201);
    const EVENTS = 200;
    for (let i = 0; i < EVENTS; i++) expect((await sendMsghub(first, `+1415556${String(i).padStart(4, '0')}`)).status).toBe(201);
    // Delivered after 3 s; the receiver is down, so every first attempt fails and waits 5 s for its retry.
    await advance(first, '3s');
    await until('every delivery retrying', async () => (await deliveries(first, 'retrying')) === EVENTS);
    await stop(first, 'SIGKILL');

    await receiver.start();
    try {
      const second = await cli(file, '--no-rate-limits');
      expect(await deliveries(second, 'retrying')).toBe(EVENTS);
      await advance(second, '5s');
      await until('every delivery succeeded', async () => (await deliveries(second, 'succeeded')) === EVENTS);
      expect(receiver.seen.size).toBe(EVENTS);
      const twice = [...receiver.seen.values()].filter((n) => n !== 1).length;
      expect(twice).toBe(0);
      restartFigures.webhookEvents = receiver.seen.size;
      restartFigures.webhookDuplicates = twice;

      // A graceful stop now: nothing that was delivered goes out again, however far the clock moves.
      await stop(second);
      const third = await cli(file, '--no-rate-limits');
      await advance(third, '6h');
      await until('the restarted dispatcher is idle', async () => (await deliveries(third, 'succeeded')) === EVENTS);
      expect([...receiver.seen.values()].every((n) => n === 1)).toBe(true);
      restartFigures.graceful = receiver.seen.size;
      await stop(third);
    } finally {
      await receiver.stop();
    }
  }, 90_000);

  it('scheduled work cut by kill -9 goes on at its time: campaign, scheduled send, bulk job, fallback, flow', async () => {
    const file = path.join(dir, 'work.json');
    const first = await cli(file, '--no-rate-limits');
    const inAnHour = new Date(((await get(first, '/_sim/clock')).body as { nowMs: number }).nowMs + 3_600_000).toISOString();
    const recipients = Array.from({ length: 100 }, (_, i) => `+1415557${String(i).padStart(4, '0')}`);
    const campaign = await post(first, '/msghub/api/v1/campaigns', MSGHUB, { name: 'Spring', channel: 'sms', body: 'Sale!', recipients, start: true });
    expect(campaign.status).toBe(201);
    const scheduled = await post(first, '/msgflash/api/v1/messages/schedule', MSGFLASH, {
      instanceId: INSTANCE,
      to: '+14155550111',
      type: 'text',
      text: 'Later',
      scheduledAt: inAnHour,
    });
    expect(scheduled.status).toBe(201);
    const contactIds: string[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await post(first, '/msgflash/api/v1/contacts', MSGFLASH, { phone: `+1415558${String(i).padStart(4, '0')}`, name: `C${i}` });
      expect(res.status).toBe(201);
      contactIds.push(res.body.data.id as string);
    }
    const job = await post(first, '/msgflash/api/v1/contacts/bulk-delete', MSGFLASH, { contactIds });
    expect(job.status).toBe(202);
    const fallback = await post(first, '/messagehub/api/v1/messages/send', MESSAGEHUB, {
      to: '+15005550003',
      channel: 'whatsapp',
      content: 'Hi',
      fallback: { channels: ['sms'], timeoutSeconds: 30, recipients: { sms: '+14155552671' } },
    });
    expect(fallback.status).toBe(201);
    const flow = await post(first, '/msghub/api/v1/flows/flow_welcome/trigger', MSGHUB, { to: '+14155550199', variables: { name: 'Ana' } });
    expect(flow.status).toBe(202);
    await advance(first, '3s');
    const midway = await get(first, `/msghub/api/v1/campaigns/${campaign.body.campaignId}`, MSGHUB);
    expect(midway.body.status).toBe('running');
    await stop(first, 'SIGKILL');

    const second = await cli(file, '--no-rate-limits');
    await advance(second, '30s');
    const done = await get(second, `/msghub/api/v1/campaigns/${campaign.body.campaignId}`, MSGHUB);
    // Completed once every message is final, noticed by the restarted simulator.
    expect(done.body).toMatchObject({ status: 'completed', stats: { total: 100, queued: 0, sent: 0, delivered: 100 } });
    const sent = await get(second, `/msghub/api/v1/messages?campaignId=${campaign.body.campaignId}&limit=100`, MSGHUB);
    expect(new Set(sent.body.data.map((m: { to: string }) => m.to)).size).toBe(100);
    expect(sent.body.data).toHaveLength(100);
    restartFigures.campaignMessages = sent.body.data.length;
    const bulk = await get(second, `/msgflash/api/v1/contacts/bulk-jobs/${job.body.data.id}`, MSGFLASH);
    expect(bulk.body.data).toMatchObject({ status: 'completed', deleted: 30, processed: 30 });
    const hub = await get(second, `/messagehub/api/v1/messages/${fallback.body.data.messageId ?? fallback.body.data.id}`, MESSAGEHUB);
    expect(hub.body.data).toMatchObject({ channel: 'sms' });
    // The scheduled send is due in an hour (and sent a second later); the flow's second step waits a day.
    await advance(second, '1h2s');
    const later = await get(second, `/msgflash/api/v1/messages/${scheduled.body.data.id}`, MSGFLASH);
    expect(['sent', 'delivered']).toContain(later.body.data.status);
    await advance(second, '1d');
    const flowMessages = await get(second, '/msghub/api/v1/messages?to=%2B14155550199&limit=10', MSGHUB);
    expect(flowMessages.body.data.map((m: { channel: string }) => m.channel).sort()).toEqual(['sms', 'whatsapp']);
    await stop(second);
  }, 90_000);
});
