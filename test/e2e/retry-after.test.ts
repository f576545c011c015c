/**
 * Retry-After under `--clock manual` (issue 20): a limit window frees when the simulated clock passes its
 * end, or when the wall time its Retry-After announced has passed since the last refusal. So a client
 * that sleeps the real Retry-After gets through, and so does a test that advances the clock instead.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, http, killAll, startCli, stop, type Running } from '../support/cli.js';

const HEADERS = { 'X-API-Key': 'mk_live_retryafter01', 'Content-Type': 'application/json' };
/** Msghub's documented 100 requests per second per key. */
const PER_SECOND = 100;

const send = (run: Running) =>
  http(`${run.url}/msghub/api/v1/messages/send`, {
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify({ channel: 'sms', to: '+14155550123', body: 'hi' }),
  });

async function useUpTheSecond(run: Running): Promise<string> {
  for (let i = 0; i < PER_SECOND; i++) expect((await send(run)).status).toBe(201);
  const refused = await send(run);
  expect(refused.status).toBe(429);
  return refused.headers['retry-after']!;
}

describe('Retry-After with a manual clock', () => {
  beforeAll(() => ensureBuilt());
  afterEach(async () => {
    await killAll();
  });

  // (That one that retries at once is refused again is proven with a wall clock the test moves, in
  // test/unit/rate-limit.test.ts: here a stalled machine could make "at once" last a second.)
  it('a client that sleeps the real Retry-After gets through', async () => {
    const run = await startCli(['--clock', 'manual']);
    const retryAfter = await useUpTheSecond(run);
    expect(retryAfter).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, Number(retryAfter) * 1000 + 50));
    expect((await send(run)).status).toBe(201);
    await stop(run);
  });

  it('a test that advances the simulated clock past the window gets through at once', async () => {
    const run = await startCli(['--clock', 'manual']);
    await useUpTheSecond(run);
    const advanced = await http(`${run.url}/_sim/clock/advance`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ by: '1s' }),
    });
    expect(advanced.status).toBe(200);
    expect((await send(run)).status).toBe(201);
    await stop(run);
  });
});
