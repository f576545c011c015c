/**
 * One behavioural suite for any provider (after Hono's one suite over every router): what every
 * messaging API msgsim serves must do, driven only by the Provider object and its client profile,
 * in-process on a manual clock, every response checked against the provider's spec by the harness.
 * A capability the profile declares absent is not run: its place is taken by a case named "SKIP …"
 * with the declared reason, which proves the spec agrees that the capability is absent.
 */
import { describe, expect, it } from 'vitest';
import { itemId, listItems } from '../../src/contract/context.js';
import { isAbsent, messagePath, type Absent, type Pagination } from '../../src/providers/client-profile.js';
import { rateWindowsOf, requestWith, type Provider } from '../../src/providers/provider.js';
import { outboxOf } from '../support/assertions.js';
import { createTestSim, type TestSimOptions } from '../support/harness.js';
import { apiOf, type Api } from '../support/profile-api.js';
import {
  idempotencyProblems,
  paginationProblems,
  probeTemplate,
  rateLimitProblems,
  revocationProblems,
  specFacts,
  webhookProblems,
  type SpecFacts,
} from './spec-facts.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

const RECIPIENT = '+14155550123';
/** Enough for five pages of ten, the last one short. */
const PAGED_MESSAGES = 45;
const PAGE_SIZE = 10;
/** queued → sent (1 s) → delivered (2 s later), the default timings. */
const TO_DELIVERED_MS = 3_000;
/** Ajv's wording, which no provider writes (src/http/validation-wording.ts words refusals instead). */
const VALIDATOR_PHRASES =
  /must have required property|must NOT have|must be (<=|>=|<|>|equal to one of|string|integer|number|array|object|boolean)\b|must match (format|pattern)/;

/** Registers `run` as a case when the capability is there; otherwise a SKIP case proving the spec agrees. */
function capability<T extends object>(
  name: string,
  declared: T | Absent,
  problems: (facts: SpecFacts) => string[],
  facts: () => Promise<SpecFacts>,
  run: (value: T) => Promise<void>,
): void {
  if (isAbsent(declared)) {
    it(`SKIP ${name}: ${declared.absent} (and the spec agrees)`, async () => {
      expect(problems(await facts())).toEqual([]);
    });
    return;
  }
  it(name, () => run(declared));
}

export function describeProviderSuite(provider: Provider): void {
  const { profile } = provider;
  const facts = () => specFacts(provider.specFile);
  const sim = (options: TestSimOptions = {}) => createTestSim({ providers: [provider], ...options });
  const tenant = (id: string) => profile.auth(profile.tenant(id));
  const probe = (id = 'msgsim_probe') =>
    probeTemplate(provider) === profile.messageTemplate ? messagePath(profile.messageTemplate, id) : probeTemplate(provider);

  async function send(api: Api, to = RECIPIENT, text?: string, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await api.post(profile.send.path, { ...profile.send.body(to, text), ...extra });
    expect(res.status, res.text).toBe(201);
    const id = profile.sentId(res.body);
    expect(id, res.text).toBeTruthy();
    return id!;
  }

  describe(`${provider.name}: shared behaviour`, () => {
    it('missing credentials answer 401 in its envelope', async () => {
      const api = apiOf(await sim(), provider, { headers: {}, query: {} });
      expect((await api.get(probe())).status).toBe(401);
    });

    it('wrong credentials answer 401 in its envelope', async () => {
      const api = apiOf(await sim(), provider, profile.wrongAuth);
      expect((await api.get(probe())).status).toBe(401);
    });

    {
      capability(
        'its magic keys, and a key revoked through /_sim, are refused in its envelope',
        profile.revocation,
        (f) => revocationProblems(provider, f),
        facts,
        async (revocation) => {
          const s = await sim();
          const magic = (property: string) =>
            apiOf(s, provider, profile.namedKeyAuth!((provider.fixtureKeys ?? []).find((k) => k.properties[property] === true)!));
          // An error in the envelope, or nothing at all where the provider's refusal has no body.
          const refusalBody = (res: { body: unknown; text: string }) =>
            revocation.bodyless ? expect(res.text).toBe('') : expect(profile.errorOf(res.body), res.text).toBeTruthy();
          const invalid = await magic('invalid').get(probe());
          expect(invalid.status, invalid.text).toBe(401);
          refusalBody(invalid);
          const revoked = await magic('revoked').get(probe());
          expect(revoked.status, revoked.text).toBe(revocation.status);
          refusalBody(revoked);

          // Revoked now: refused from its next request, sends included, and nothing stored; another key goes on.
          const credentials = profile.tenant('revoke01');
          const api = apiOf(s, provider, profile.auth(credentials));
          expect([401, 403]).not.toContain((await api.get(probe())).status);
          const revoke = await s.http.post(`/_sim/keys/${provider.name}/${encodeURIComponent(revocation.keyOf(credentials))}/revoke`);
          expect(revoke.status, revoke.text).toBe(200);
          expect(revoke.body.properties.revoked).toBe(true);
          const read = await api.get(probe());
          expect(read.status, read.text).toBe(revocation.status);
          refusalBody(read);
          expect((await api.post(profile.send.path, profile.send.body(RECIPIENT))).status).toBe(revocation.status);
          expect((await outboxOf(s, provider.name)).total).toBe(0);
          expect(await send(apiOf(s, provider, tenant('revoke02')))).toBeTruthy();
        },
      );
    }

    it('malformed JSON answers 400 in its envelope and stores nothing', async () => {
      const s = await sim();
      const res = await apiOf(s, provider, tenant('badjson01')).post(profile.send.path, undefined, { raw: '{"to": ' });
      expect(res.status, res.text).toBe(400);
      expect(profile.errorOf(res.body), res.text).toBeTruthy();
      expect((await outboxOf(s, provider.name)).total).toBe(0);
    });

    it("a send the spec refuses answers 400 in the provider's words, never the validator's", async () => {
      const s = await sim();
      const api = apiOf(s, provider, tenant('words01'));
      const refusals = [await api.post(profile.send.path, {}), await api.post(profile.send.path, { ...profile.send.body(RECIPIENT), msgsimUnknown: 1 })];
      for (const res of refusals) {
        expect(res.status, res.text).toBe(400);
        expect(res.text).not.toMatch(VALIDATOR_PHRASES);
      }
      expect((await outboxOf(s, provider.name)).total).toBe(0);
    });

    it('a body over 1 MB answers 413 in its envelope', async () => {
      const res = await apiOf(await sim(), provider, tenant('huge01')).post(profile.send.path, profile.send.body(RECIPIENT, 'x'.repeat(1_100_000)));
      expect(res.status).toBe(413);
      expect(profile.errorOf(res.body), res.text).toBeTruthy();
    });

    it('an unknown route answers 404 in its envelope', async () => {
      const res = await apiOf(await sim(), provider, tenant('routes01')).get('/msgsim-no-such-route');
      expect(res.status).toBe(404);
      expect(profile.errorOf(res.body), res.text).toBeTruthy();
    });

    capability(
      'a full pagination walk: no duplicates, no gaps, totals add up',
      profile.pagination,
      (f) => paginationProblems(provider, f),
      facts,
      async (pagination) => {
        const s = await sim({ rateLimits: false });
        const api = apiOf(s, provider, tenant('pages01'));
        const sent: string[] = [];
        for (let i = 0; i < PAGED_MESSAGES; i++) sent.push(await send(api, RECIPIENT, `page walk ${i}`));
        const { ids, pages, totals } = await walk(api, pagination);
        expect(
          ids.filter((id, i) => ids.indexOf(id) !== i),
          'seen twice',
        ).toEqual([]);
        expect([...ids].sort()).toEqual([...sent].sort());
        expect(pages).toBe(Math.ceil(PAGED_MESSAGES / PAGE_SIZE));
        for (const total of totals) expect(total).toBe(PAGED_MESSAGES);
      },
    );

    capability(
      'Idempotency-Key replays the first answer and sends once',
      profile.idempotency,
      (f) => idempotencyProblems(provider, f),
      facts,
      async (idempotency) => {
        const s = await sim();
        const api = apiOf(s, provider, tenant('idem01'));
        const body = profile.send.body(RECIPIENT, 'sent once');
        const headers = { [idempotency.header]: 'shared-suite-0001' };
        const first = await api.post(profile.send.path, body, { headers });
        expect(first.status, first.text).toBe(201);
        const second = await api.post(profile.send.path, body, { headers });
        expect(second.status).toBe(first.status);
        expect(second.text).toBe(first.text);
        expect(second.headers[idempotency.replayedHeader.toLowerCase()]).toBe('true');
        expect((await outboxOf(s, provider.name)).total).toBe(1);
      },
    );

    capability(
      'over its limit: 429 in its envelope with Retry-After',
      profile.rateLimits,
      (f) => rateLimitProblems(provider, f),
      facts,
      async (limits) => {
        const s = await sim();
        const auth = profile.auth(limits.credentials ?? profile.tenant('limits01'));
        const windows = rateWindowsOf(provider, provider.authenticate(requestWith(auth), s.engine), s.engine);
        const limit = Math.min(...windows.map((w) => w.limit));
        expect(limit, 'a suite case sends limit + 1 requests: declare profile.rateLimits.credentials on a smaller tier').toBeLessThanOrEqual(100);
        const api = apiOf(s, provider, auth);
        // The manual clock stands still: every request falls in the same window.
        for (let i = 0; i < limit; i++) expect((await api.get(probe())).status).not.toBe(429);
        const over = await api.get(probe());
        expect(over.status).toBe(429);
        expect(over.headers['retry-after']).toMatch(/^[1-9]\d*$/);
        expect(profile.errorOf(over.body), over.text).toBeTruthy();
      },
    );

    it('a message moves to delivered on the manual clock', async () => {
      const s = await sim();
      const api = apiOf(s, provider, tenant('life01'));
      const id = await send(api);
      const path = messagePath(profile.messageTemplate, id);
      const queued = await api.get(path);
      expect(queued.status).toBe(200);
      expect(profile.delivered(queued.body)).toBe(false);
      expect((await outboxOf(s, provider.name)).data.map((m) => m.status)).toEqual(['queued']);
      await s.advance(TO_DELIVERED_MS);
      const delivered = await api.get(path);
      expect(delivered.status).toBe(200);
      expect(profile.delivered(delivered.body), delivered.text).toBe(true);
      expect((await outboxOf(s, provider.name)).data.map((m) => m.status)).toEqual(['delivered']);
    });

    capability(
      'webhooks arrive signed with its own scheme',
      profile.webhooks,
      (f) => webhookProblems(provider, f),
      facts,
      async (webhooks) => {
        const receiver = await startWebhookReceiver('/hooks');
        try {
          const s = await sim();
          const api = apiOf(s, provider, tenant('hooks01'));
          let secret: string | undefined;
          let id: string;
          if (webhooks.via === 'subscription') {
            const { path, body } = webhooks.subscribe(receiver.url);
            const subscribed = await api.post(path, body);
            expect(subscribed.status, subscribed.text).toBe(201);
            secret = webhooks.secret(subscribed.body);
            id = await send(api);
          } else {
            id = await send(api, RECIPIENT, undefined, { [webhooks.field]: receiver.url });
            const [message] = (await outboxOf(s, provider.name)).data;
            const settings = await s.http.get(`/_sim/providers/${provider.name}/tenants/${encodeURIComponent(String(message!.tenant))}/settings`);
            secret = settings.body[webhooks.secretSetting];
          }
          expect(secret).toBeTruthy();
          await s.advance(TO_DELIVERED_MS);
          expect(receiver.received.length).toBeGreaterThan(0);
          for (const { text: rawBody, headers } of receiver.received) {
            const delivery = { rawBody, headers: headers as Record<string, string | undefined>, secret: secret! };
            expect(webhooks.verify(delivery), rawBody).toBe(true);
            expect(webhooks.verify({ ...delivery, rawBody: `${rawBody} ` }), 'a changed body must not verify').toBe(false);
          }
          expect(receiver.received.some((r) => r.text.includes(id))).toBe(true);
        } finally {
          await receiver.close();
        }
      },
    );

    it("another tenant's message is a 404 with none of its data", async () => {
      const s = await sim();
      const owner = apiOf(s, provider, tenant('isoa01'));
      const other = apiOf(s, provider, tenant('isob01'));
      const text = `private text of ${provider.name} 7c2e`;
      const id = await send(owner, '+14155550199', text);
      const path = messagePath(profile.messageTemplate, id);
      expect((await owner.get(path)).status).toBe(200);
      const theirs = await other.get(path);
      expect(theirs.status).toBe(404);
      for (const secret of [text, '4155550199']) expect(theirs.text).not.toContain(secret);
      if (!isAbsent(profile.pagination)) {
        // The other tenant has sent nothing: its list is empty.
        const list = await other.get(profile.pagination.path);
        expect(list.status).toBe(200);
        expect(listItems(list.body), list.text).toEqual([]);
        expect(list.text).not.toContain(text);
      }
    });
  });
}

interface Walked {
  ids: string[];
  pages: number;
  /** The totals pages report (page and offset styles). */
  totals: number[];
}

/** Every page in the profile's style, PAGE_SIZE a page, until the last. */
async function walk(api: Api, p: Pagination): Promise<Walked> {
  const ids: string[] = [];
  const totals: number[] = [];
  let cursor: string | null = null;
  for (let n = 0; n < 2 * Math.ceil(PAGED_MESSAGES / PAGE_SIZE); n++) {
    const query: Record<string, string | number> = { [p.limitParam]: PAGE_SIZE };
    if (p.style === 'page') query[p.pageParam] = n + 1;
    if (p.style === 'offset') query[p.offsetParam] = n * PAGE_SIZE;
    if (p.style === 'cursor' && cursor) query[p.cursorParam] = cursor;
    const res = await api.get(p.path, query);
    expect(res.status, res.text).toBe(200);
    const items = listItems(res.body);
    expect(items, res.text).toBeDefined();
    if (items!.length === 0) return { ids, pages: n, totals };
    ids.push(...items!.map((item) => itemId(item) ?? ''));
    if (p.style === 'cursor') {
      cursor = p.next(res.body);
      if (!cursor) return { ids, pages: n + 1, totals };
    } else {
      const total = p.total(res.body);
      expect(total, res.text).toBeTypeOf('number');
      totals.push(total!);
      if (ids.length >= total!) return { ids, pages: n + 1, totals };
    }
  }
  throw new Error(`${p.path}: no last page after ${2 * Math.ceil(PAGED_MESSAGES / PAGE_SIZE)} pages`);
}
