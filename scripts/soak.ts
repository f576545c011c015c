/**
 * Soak (not run in CI): the reliability suite's load — sends across 3 providers and 10 tenants from 25
 * concurrent clients, webhooks to the built-in receivers, reads back by id — for SOAK_SECONDS (default
 * 60), then reports RSS and heap growth per minute (least-squares slope over samples every 5 s).
 *
 *   npm run soak                      # 60 s
 *   SOAK_SECONDS=1800 npm run soak    # 30 min
 *   SOAK_RESET=1 npm run soak         # reset the simulator every minute: growth then means a leak, not data
 *
 * Exits 1 if any request failed or timed out.
 */
import { createSimulator } from '../src/index.js';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const RESET = process.env.SOAK_RESET === '1';
const CONCURRENCY = 25;
const TENANTS = 10;
const REQUEST_MS = 15_000;
const SAMPLE_MS = 5_000;

type Name = 'msghub' | 'msgine' | 'msgflash';
const PROVIDERS: readonly Name[] = ['msghub', 'msgine', 'msgflash'];
const BASE: Record<Name, string> = { msghub: '/msghub/api/v1', msgine: '/msgine/api/v1', msgflash: '/msgflash/api/v1' };
const SEND: Record<Name, string> = { msghub: '/messages/send', msgine: '/messages/sms', msgflash: '/messages/send' };
const INSTANCE = '5f0c8a1e-2b7d-4c3a-9e61-0d4b8f2a7c11';

const headers = (p: Name, t: number): Record<string, string> => {
  const id = `soak${String(t).padStart(4, '0')}`;
  const auth: Record<string, string> =
    p === 'msghub' ? { 'X-API-Key': `mk_live_${id}` } : p === 'msgine' ? { Authorization: `Bearer token_${id}` } : { 'x-api-key': `msgf_live_${id}` };
  return { ...auth, 'Content-Type': 'application/json' };
};
const body = (p: Name, to: string, text: string, hook: string): unknown =>
  p === 'msghub' ? { channel: 'sms', to, body: text } : p === 'msgine' ? { to, message: text, callbackUrl: hook } : { instanceId: INSTANCE, to, text };
const idOf = (p: Name, b: unknown): string => {
  const body = b as { messageId?: unknown; id?: unknown; data?: { id?: unknown } };
  return String(p === 'msghub' ? body.messageId : p === 'msgine' ? body.id : body.data?.id);
};

function slopePerMinute(samples: Array<{ t: number; v: number }>): number {
  if (samples.length < 2) return 0;
  const n = samples.length;
  const mt = samples.reduce((s, x) => s + x.t, 0) / n;
  const mv = samples.reduce((s, x) => s + x.v, 0) / n;
  const num = samples.reduce((s, x) => s + (x.t - mt) * (x.v - mv), 0);
  const den = samples.reduce((s, x) => s + (x.t - mt) ** 2, 0);
  return den === 0 ? 0 : (num / den) * 60_000;
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<void> {
  const sim = await createSimulator({ clock: 'manual', port: 0, rateLimits: false, seed: 42 });
  const subscribe = async () => {
    for (let t = 0; t < TENANTS; t++) {
      for (const p of ['msghub', 'msgflash'] as const) {
        const hook = `${sim.url}/_sim/receivers/soak-${p}-${t}/hook`;
        const payload = p === 'msghub' ? { event: 'message.delivered', url: hook } : { url: hook, events: ['message.delivered'] };
        await fetch(`${sim.url}${BASE[p]}/webhooks`, {
          method: 'POST',
          headers: headers(p, t),
          body: JSON.stringify(payload),
          signal: AbortSignal.timeout(REQUEST_MS),
        });
      }
    }
  };
  await subscribe();
  const started = Date.now();
  const end = started + SECONDS * 1_000;
  const counts = { sent: 0, read: 0, failed: 0, resets: 0 };
  const rss: Array<{ t: number; v: number }> = [];
  const heap: Array<{ t: number; v: number }> = [];
  const sample = () => {
    const m = process.memoryUsage();
    rss.push({ t: Date.now() - started, v: m.rss });
    heap.push({ t: Date.now() - started, v: m.heapUsed });
  };
  sample();
  const sampler = setInterval(sample, SAMPLE_MS);
  const ticker = setInterval(() => {
    sim.clock.advance(5_000);
  }, 250);
  let lastReset = Date.now();
  let i = 0;
  const worker = async () => {
    while (Date.now() < end) {
      const n = i++;
      const p = PROVIDERS[n % PROVIDERS.length]!;
      const t = Math.floor(n / PROVIDERS.length) % TENANTS;
      const text = `soak #${n}`;
      try {
        const res = await fetch(`${sim.url}${BASE[p]}${SEND[p]}`, {
          method: 'POST',
          headers: headers(p, t),
          body: JSON.stringify(body(p, `+1415555${String(1000 + (n % 9000))}`, text, `${sim.url}/_sim/receivers/soak-msgine-${t}/hook`)),
          signal: AbortSignal.timeout(REQUEST_MS),
        });
        if (res.status !== 201) throw new Error(`send ${res.status}`);
        const id = idOf(p, await res.json());
        counts.sent++;
        const got = await fetch(`${sim.url}${BASE[p]}/messages/${id}`, { headers: headers(p, t), signal: AbortSignal.timeout(REQUEST_MS) });
        if (got.status !== 200 || !(await got.text()).includes(text)) throw new Error(`read ${got.status}`);
        counts.read++;
      } catch (error) {
        counts.failed++;
        if (counts.failed <= 5) console.error('soak request failed:', (error as Error).message);
      }
      if (RESET && Date.now() - lastReset > 60_000) {
        lastReset = Date.now();
        sim.reset();
        counts.resets++;
        await subscribe();
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  clearInterval(sampler);
  clearInterval(ticker);
  sample();
  await sim.settle();
  await sim.close();
  const minutes = (Date.now() - started) / 60_000;
  console.log(
    JSON.stringify(
      {
        seconds: SECONDS,
        ...counts,
        perSecond: Math.round(counts.sent / (minutes * 60)),
        rssStart: mb(rss[0]!.v),
        rssEnd: mb(rss.at(-1)!.v),
        rssGrowthPerMinute: mb(slopePerMinute(rss)),
        heapGrowthPerMinute: mb(slopePerMinute(heap)),
        samples: rss.length,
      },
      null,
      2,
    ),
  );
  process.exit(counts.failed > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
