/**
 * /_sim/events drops a client that stops reading once its unsent backlog passes MAX_UNSENT_BYTES, and
 * keeps streaming to a client that reads (each event is read before the next is made: that is what
 * reading means; falling behind for a while is the time-based bound's business, tested by its unit).
 * Driven by volume, not time: each forced failure carries a ~900 KB reason, so every event is ~1.8 MB;
 * 20 of them (36 MB) pass the bound plus whatever the kernel's socket buffers hold. The stalled client is a raw socket that sends its GET and then never
 * reads (socket.pause()); only after the events does it read, up to the end of what the server sent.
 * Had the server kept it, it would find the marker event sent after the others.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { MAX_UNSENT_BYTES, SLOW_UNSENT_BYTES, STALL_MS } from '../../src/control/event-routes.js';
import { createSimulator, type Simulator } from '../../src/index.js';

const KEY = { 'X-API-Key': 'mk_live_backpressure1', 'Content-Type': 'application/json' };
const REASON = 'r'.repeat(900_000);
const EVENTS = 20;
const MARKER = 'marker-after-the-volume';

/** Reads SSE frames from a fetch body across calls, counting bytes; `until` returns once `done` says so. */
function sseReader(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const frames: string[] = [];
  let buffer = '';
  let bytes = 0;
  return {
    async until(done: (frames: string[]) => boolean): Promise<{ frames: string[]; bytes: number }> {
      while (!done(frames)) {
        const { value, done: ended } = await reader.read();
        if (ended) break;
        bytes += value.byteLength;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          frames.push(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
      return { frames, bytes };
    },
  };
}

/** A raw client that reads the response head and the stream's preamble, then never again. */
async function stalledClient(url: string): Promise<{ stalled: Socket; early: string }> {
  const { port } = new URL(url);
  const stalled: Socket = connect(Number(port), '127.0.0.1');
  let early = '';
  await new Promise<void>((resolve, reject) => {
    stalled.on('error', reject);
    stalled.write(`GET /_sim/events?types=message.status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    const onData = (chunk: Buffer) => {
      early += chunk.toString('latin1');
      if (!early.includes(': msgsim events')) return;
      stalled.off('data', onData);
      stalled.pause();
      resolve();
    };
    stalled.on('data', onData);
  });
  expect(early).toMatch(/^HTTP\/1\.1 200/);
  return { stalled, early };
}

describe('/_sim/events and a client that stops reading', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({ clock: 'manual', port: 0 });
  });
  afterAll(async () => {
    await sim.close();
  });

  const post = async (path: string, body: unknown, headers: Record<string, string> = { 'Content-Type': 'application/json' }) => {
    const res = await fetch(`${sim.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it(`is dropped once ${MAX_UNSENT_BYTES} bytes are unsent; a reading client gets every event`, async () => {
    const { stalled, early } = await stalledClient(sim.url);

    const controller = new AbortController();
    onTestFinished(() => {
      controller.abort();
      stalled.destroy();
    });
    const reading = await fetch(`${sim.url}/_sim/events?types=message.status`, { signal: controller.signal });
    expect(reading.status).toBe(200);
    const isFailure = (frame: string) => frame.includes('event: message.status') && frame.includes('"to":"failed"');
    const events = sseReader(reading);

    for (let i = 0; i < EVENTS; i++) {
      const sent = await post('/msghub/api/v1/messages/send', { channel: 'sms', to: '+919876543210', body: `m${i}` }, KEY);
      expect(sent.status).toBe(201);
      const forced = await post(`/_sim/messages/msghub/${String(sent.body.messageId)}/status`, { status: 'failed', reason: REASON });
      expect(forced.status).toBe(200);
      await events.until((frames) => frames.filter(isFailure).length > i);
    }
    const last = await post('/msghub/api/v1/messages/send', { channel: 'sms', to: '+919876543210', body: 'marker' }, KEY);
    expect((await post(`/_sim/messages/msghub/${String(last.body.messageId)}/status`, { status: 'failed', reason: MARKER })).status).toBe(200);

    // the reading client got all of it, marker included
    const read = await events.until((frames) => frames.some((f) => f.includes(MARKER)));
    expect(read.frames.filter(isFailure)).toHaveLength(EVENTS + 1);
    expect(read.bytes).toBeGreaterThan(EVENTS * REASON.length * 2);

    // the stalled one now reads what reached it: the server closed the stream before the marker
    const rest = await new Promise<{ text: string; bytes: number }>((resolve) => {
      let bytes = early.length;
      let tail = '';
      stalled.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        tail = (tail + chunk.toString('latin1')).slice(-MARKER.length * 4);
        if (tail.includes(MARKER)) resolve({ text: tail, bytes });
      });
      stalled.on('close', () => resolve({ text: tail, bytes }));
      stalled.resume();
    });
    expect(rest.text).not.toContain(MARKER);
    expect(rest.bytes).toBeLessThan(read.bytes);
    expect(stalled.destroyed || stalled.readableEnded).toBe(true);
    console.log('event backpressure figures', JSON.stringify({ readingClientBytes: read.bytes, stalledClientBytes: rest.bytes, bound: MAX_UNSENT_BYTES }));

    // and the reading client's stream is still open: a later event reaches it
    const still = events.until((frames) => frames.some((f) => f.includes('"to":"sent"')));
    const after = await post('/msghub/api/v1/messages/send', { channel: 'sms', to: '+919876543210', body: 'after' }, KEY);
    await post(`/_sim/messages/msghub/${String(after.body.messageId)}/status`, { status: 'sent' });
    expect((await still).frames.some((f) => f.includes(String(after.body.messageId)))).toBe(true);
  }, 60_000);

  it(`is dropped when its backlog stays above ${SLOW_UNSENT_BYTES} bytes for ${STALL_MS} ms of wall time, below the hard bound`, async () => {
    // Wall time the test moves: the grace is measured in it.
    const realNow = sim.engine.clock.realNow.bind(sim.engine.clock);
    let skew = 0;
    sim.engine.clock.realNow = () => realNow() + skew;
    const streams = () => sim.engine.events.listenerCount('message.status');
    // The first test's reading client may still be closing.
    for (let i = 0; i < 100 && streams() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    const before = streams();
    expect(before).toBe(0);
    const { stalled } = await stalledClient(sim.url);
    onTestFinished(() => {
      sim.engine.clock.realNow = realNow;
      stalled.destroy();
    });
    expect(streams()).toBe(before + 1);
    const fail = async (reason: string) => {
      const sent = await post('/msghub/api/v1/messages/send', { channel: 'sms', to: '+919876543210', body: reason.slice(0, 10) }, KEY);
      expect((await post(`/_sim/messages/msghub/${String(sent.body.messageId)}/status`, { status: 'failed', reason })).status).toBe(200);
    };
    // Enough to stay above the slow bound whatever the kernel took (its buffers hold a few MB), not the hard one.
    for (let i = 0; i < 4; i++) await fail(REASON);
    await fail('one more, a moment later');
    expect(streams(), 'kept within the grace').toBe(before + 1);
    skew = STALL_MS;
    await fail('one more, after the grace');
    expect(streams(), 'dropped after it').toBe(before);
  }, 60_000);
});
