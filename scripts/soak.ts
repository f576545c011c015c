/**
 * Soak (not run in CI): the reliability suite's load — sends across the registered providers that deliver
 * webhooks and 10 tenants from 25 concurrent clients, webhooks to the built-in receivers, reads back by
 * id — for SOAK_SECONDS (default 60), then reports RSS and heap growth per minute (least-squares slope
 * over samples every 5 s). Each provider's credentials, paths, send and webhooks come from its client
 * profile (src/providers/<name>/profile.ts).
 *
 *   npm run soak                      # 60 s
 *   SOAK_SECONDS=1800 npm run soak    # 30 min
 *   SOAK_RESET=1 npm run soak         # reset the simulator every minute: growth then means a leak, not data
 *
 * Exits 1 if any request failed or timed out.
 */
import { createSimulator, PROVIDERS as REGISTRY, type Provider } from '../src/index.js';
import { messagePath, present, type WebhookProfile } from '../src/providers/client-profile.js';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const RESET = process.env.SOAK_RESET === '1';
const CONCURRENCY = 25;
const TENANTS = 10;
const REQUEST_MS = 15_000;
const SAMPLE_MS = 5_000;

/** The registered providers that deliver webhooks (a subscription, or a callback URL on each send). */
const PROVIDERS = REGISTRY.flatMap((provider) => {
  const webhooks = present(provider.profile.webhooks);
  return webhooks ? [{ provider, webhooks }] : [];
});

const authOf = ({ profile }: Provider, t: number) => profile.auth(profile.tenant(`soak${String(t).padStart(4, '0')}`));
/** The URL of a provider's path for tenant `t`, with the profile's query credentials. */
const url = (base: string, provider: Provider, t: number, path: string): string => {
  const query = new URLSearchParams(authOf(provider, t).query).toString();
  return `${base}/${provider.name}${provider.basePath}${path}${query ? `${path.includes('?') ? '&' : '?'}${query}` : ''}`;
};
const headers = (provider: Provider, t: number): Record<string, string> => ({ ...authOf(provider, t).headers, 'Content-Type': 'application/json' });
const hookUrl = (base: string, { name }: Provider, t: number): string => `${base}/_sim/receivers/soak-${name}-${t}/hook`;
const sendBody = (base: string, provider: Provider, webhooks: WebhookProfile, t: number, to: string, text: string): unknown => ({
  ...provider.profile.send.body(to, text),
  ...(webhooks.via === 'send' ? { [webhooks.field]: hookUrl(base, provider, t) } : {}),
});

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
      for (const { provider, webhooks } of PROVIDERS) {
        if (webhooks.via !== 'subscription') continue;
        const { path, body } = webhooks.subscribe(hookUrl(sim.url, provider, t));
        await fetch(url(sim.url, provider, t, path), {
          method: 'POST',
          headers: headers(provider, t),
          body: JSON.stringify(body),
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
      const { provider, webhooks } = PROVIDERS[n % PROVIDERS.length]!;
      const t = Math.floor(n / PROVIDERS.length) % TENANTS;
      const text = `soak #${n}`;
      try {
        const res = await fetch(url(sim.url, provider, t, provider.profile.send.path), {
          method: 'POST',
          headers: headers(provider, t),
          body: JSON.stringify(sendBody(sim.url, provider, webhooks, t, `+1415555${String(1000 + (n % 9000))}`, text)),
          signal: AbortSignal.timeout(REQUEST_MS),
        });
        if (res.status !== 201) throw new Error(`send ${res.status}`);
        const id = provider.profile.sentId(await res.json());
        if (id === undefined) throw new Error('send: no message id');
        counts.sent++;
        const got = await fetch(url(sim.url, provider, t, messagePath(provider.profile.messageTemplate, id)), {
          headers: headers(provider, t),
          signal: AbortSignal.timeout(REQUEST_MS),
        });
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
