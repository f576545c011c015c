/**
 * Found by the fuzz suite: a body whose Content-Encoding (gzip, deflate) does not match its bytes
 * makes body-parser's inflate fail with a 400 error that has no `type`, which src/web/client-errors.ts
 * once mapped to a 500. It is the client's mistake: the answer must be a 4xx in the provider's envelope (the
 * validated client checks the envelope and that the spec documents the status). The control API
 * (/_sim, plain express.json) does the same. A body really gzipped is accepted (over real HTTP).
 */
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/index.js';
import { createTestSim, type TestSim } from '../support/harness.js';
import { credentials, PROVIDER_NAMES, sendBody, sendPath, withQuery } from './support.js';

describe('Content-Encoding that does not match the body', () => {
  let sim: TestSim;
  beforeAll(async () => {
    sim = await createTestSim({ rateLimits: false });
  });

  for (const provider of PROVIDER_NAMES) {
    it(`${provider}: a plain JSON body labelled gzip or deflate is a 4xx, not a 500`, async () => {
      const api = sim.client(provider, credentials(provider, 1).headers);
      const raw = JSON.stringify(sendBody(provider, '+14155550123', 'not compressed'));
      for (const encoding of ['gzip', 'deflate']) {
        const res = await api.post(withQuery(provider, 1, sendPath(provider)), undefined, { raw, headers: { 'Content-Encoding': encoding } });
        expect(res.status, `${encoding}: ${res.status} ${res.text}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${encoding}: ${res.status} ${res.text}`).toBeLessThan(500);
      }
      expect((await sim.http.get('/_sim/health')).status).toBe(200);
    });
  }

  it('the control API too: a plain body labelled gzip is a 4xx; a body really gzipped is accepted (over real HTTP)', async () => {
    const real = await createSimulator({ clock: 'manual', port: 0 });
    try {
      const headers = { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' };
      const control = await fetch(`${real.url}/_sim/keys`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ provider: 'msghub', key: 'mk_live_enc0001', properties: {} }),
        signal: AbortSignal.timeout(10_000),
      });
      expect(control.status, await control.text()).toBeLessThan(500);
      expect(control.status).toBeGreaterThanOrEqual(400);
      const gzipped = await fetch(`${real.url}/msghub/api/v1/messages/send`, {
        method: 'POST',
        headers: { ...headers, 'X-API-Key': 'mk_live_rel0001' },
        body: gzipSync(JSON.stringify(sendBody('msghub', '+14155550123', 'gzipped'))),
        signal: AbortSignal.timeout(10_000),
      });
      expect(gzipped.status).toBe(201);
    } finally {
      await real.close();
    }
  });
});
