/**
 * Storage faults are surfaced, never swallowed (`--data`), with the built CLI:
 * - a path msgsim cannot keep its promises on is refused at start, with one line naming the path and
 *   the cause: a missing directory, a directory where the file should be, a file that is not msgsim's,
 *   a corrupt journal, a directory or file it may not write (run as an unprivileged user when the
 *   tests run as root, since root ignores permissions), and a data file another msgsim holds;
 * - a write that fails while running (the file may not grow: RLIMIT_FSIZE lowered on the running
 *   process with prlimit, so the kernel answers EFBIG, as a full disk answers ENOSPC) is not
 *   acknowledged: 503 in the provider's own envelope with Retry-After, /_sim/ready says why; reads go
 *   on; both recover once writes succeed again, and what was acknowledged is all there after a restart.
 *   Control calls that change state (a forced status, a clock advance, a reset) the same, in the control
 *   API's envelope.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { specPath } from '../../src/paths.js';
import { ensureBuilt, http, killAll, runToExit, startCli, stop, type Running, type SpawnAs } from '../support/cli.js';
import { SpecChecker } from '../support/spec-check.js';

const MSGHUB = { 'X-API-Key': 'mk_live_storage0001', 'Content-Type': 'application/json' };
const MSGINE = { Authorization: 'Bearer storage-token-0001', 'Content-Type': 'application/json' };
const NOBODY: SpawnAs = { uid: 65534, gid: 65534 };
const isRoot = process.getuid?.() === 0;

export const storageFigures = { refusals: 0, unsaved: 0, acknowledged: 0, recovered: 0, controlRefused: 0, controlAnswered: 0 };

async function sendMsghub(run: Running, body = 'hello') {
  return http(`${run.url}/msghub/api/v1/messages/send`, {
    method: 'POST',
    headers: MSGHUB,
    body: JSON.stringify({ channel: 'sms', to: '+14155550123', body }),
  });
}

async function sendMsgine(run: Running) {
  return http(`${run.url}/msgine/api/v1/messages/sms`, { method: 'POST', headers: MSGINE, body: JSON.stringify({ to: '+256701234567', message: 'hello' }) });
}

/** Caps the size of any file the running process writes (soft limit; the hard limit stays). */
function capFileSize(run: Running, bytes: number | 'unlimited'): void {
  execFileSync('prlimit', ['--pid', String(run.child.pid), `--fsize=${bytes}:unlimited`]);
}

const control = (run: Running, path: string, body: unknown) =>
  http(`${run.url}/_sim${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

/** Polls /_sim/ready until it answers 200 (bounded): the store retries a failed write within a second. */
async function untilReady(run: Running): Promise<void> {
  let ready = await http(`${run.url}/_sim/ready`);
  for (let i = 0; i < 50 && ready.status !== 200; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    ready = await http(`${run.url}/_sim/ready`);
  }
  expect(ready.body).toEqual({ status: 'ready' });
}

async function expectRefused(args: string[], path: string, cause: RegExp, as: SpawnAs = {}) {
  const exit = await runToExit(['--port', '0', ...args], {}, as);
  expect(exit.code).toBe(1);
  const lines = exit.stderr.trim().split('\n');
  expect(lines, exit.stderr).toHaveLength(1);
  expect(lines[0]).toContain(path);
  expect(lines[0]).toMatch(cause);
  storageFigures.refusals++;
}

describe('storage faults with --data', () => {
  let dir: string;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(path.join(tmpdir(), 'msgsim-storage-'));
    // An unprivileged user must reach the directory (mkdtemp makes it 0700).
    chmodSync(dir, 0o755);
  });
  afterEach(async () => {
    await killAll();
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    console.log('storage figures', JSON.stringify(storageFigures));
  });

  describe('refuses to start, with one line naming the path and the cause', () => {
    it('a missing directory', async () => {
      const file = path.join(dir, 'absent', 'state.json');
      await expectRefused(['--data', file], path.join(dir, 'absent'), /does not exist/);
    });

    it('a directory where the data file should be', async () => {
      const file = path.join(dir, 'is-a-dir');
      mkdirSync(file);
      await expectRefused(['--data', file], file, /is a directory/);
    });

    it('a file that is not a msgsim snapshot, or a corrupt one', async () => {
      const other = path.join(dir, 'other.json');
      writeFileSync(other, JSON.stringify({ users: [] }));
      await expectRefused(['--data', other], other, /not a msgsim data file/);
      const torn = path.join(dir, 'torn.json');
      writeFileSync(torn, '{"version":1,"partitions":{\n"msghub":{\ngarbage\n');
      await expectRefused(['--data', torn], torn, /not a msgsim data file/);
    });

    it('a journal with a malformed line that entries follow', async () => {
      const file = path.join(dir, 'journal.json');
      const first = await startCli(['--data', file]);
      expect((await sendMsghub(first)).status).toBe(201);
      expect((await sendMsghub(first)).status).toBe(201);
      await stop(first);
      const journal = `${file}.journal`;
      const lines = readFileSync(journal, 'utf8').split('\n');
      lines.splice(1, 0, '{"op":"put","ns":"msg');
      writeFileSync(journal, lines.join('\n'));
      await expectRefused(['--data', file], journal, /corrupt journal: line 2/);
    });

    it('a directory or a file it may not write', async () => {
      const locked = path.join(dir, 'read-only-dir');
      mkdirSync(locked, { mode: 0o555 });
      const readOnly = path.join(dir, 'read-only-file');
      mkdirSync(readOnly);
      chmodSync(readOnly, 0o777); // mkdir's mode is cut by the umask
      const file = path.join(readOnly, 'state.json');
      writeFileSync(file, '');
      chmodSync(file, 0o444);
      if (isRoot) chownSync(locked, 0, 0);
      const as = isRoot ? NOBODY : {};
      await expectRefused(['--data', path.join(locked, 'state.json')], locked, /cannot create files in this directory: permission denied/, as);
      await expectRefused(['--data', file], file, /permission denied/, as);
    });

    it('a data file another msgsim holds; free again once it stops, or is killed', async () => {
      const file = path.join(dir, 'locked.json');
      const first = await startCli(['--data', file]);
      await expectRefused(['--data', file], file, new RegExp(`in use by another msgsim \\(pid ${first.child.pid}\\)`));
      await stop(first);
      const second = await startCli(['--data', file]);
      await stop(second, 'SIGKILL');
      // The lock of a killed process is stale: taken over.
      const third = await startCli(['--data', file]);
      expect((await sendMsghub(third)).status).toBe(201);
      await stop(third);
    });
  });

  it('a write that fails while running is not acknowledged; reads go on; both recover', async () => {
    const file = path.join(dir, 'full.json');
    const run = await startCli(['--data', file]);
    const acked: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await sendMsghub(run, `before ${i}`);
      expect(res.status).toBe(201);
      acked.push(res.body.messageId as string);
    }
    // The files may not grow any more: the next append fails with EFBIG.
    capFileSize(run, statSync(`${file}.journal`).size);

    const refused = await sendMsghub(run, 'while full');
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.body).toEqual({ error: { code: 'service_unavailable', message: expect.stringContaining('could not be saved (file too large (EFBIG))') } });
    const msgine = await sendMsgine(run);
    expect(msgine.status).toBe(503);
    expect(msgine.headers['retry-after']).toBe('1');
    expect(msgine.body.error).toMatchObject({ code: 'service_unavailable' });
    storageFigures.unsaved += 2;

    const ready = await http(`${run.url}/_sim/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({
      status: 'not_ready',
      reasons: [{ component: 'storage', path: `${file}.journal`, error: 'file too large (EFBIG)', since: expect.any(String) }],
    });
    // Reads promise nothing new: they are answered.
    const read = await http(`${run.url}/msghub/api/v1/messages/${acked[0]}`, { headers: MSGHUB });
    expect(read.status).toBe(200);

    capFileSize(run, 'unlimited');
    // The store retries within a second by itself; the probe turns ready without any write.
    let readyAgain = await http(`${run.url}/_sim/ready`);
    for (let i = 0; i < 50 && readyAgain.status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      readyAgain = await http(`${run.url}/_sim/ready`);
    }
    expect(readyAgain.body).toEqual({ status: 'ready' });
    const after = await sendMsghub(run, 'after');
    expect(after.status).toBe(201);
    acked.push(after.body.messageId as string);
    storageFigures.acknowledged = acked.length;

    await stop(run, 'SIGKILL');
    const restarted = await startCli(['--data', file]);
    for (const id of acked) expect((await http(`${restarted.url}/msghub/api/v1/messages/${id}`, { headers: MSGHUB })).status).toBe(200);
    storageFigures.recovered = acked.length;
    await stop(restarted);
  }, 60_000);

  it('a control call whose change cannot be written is answered 503 in the control envelope; 2xx once writes succeed', async () => {
    const file = path.join(dir, 'control.json');
    const run = await startCli(['--data', file, '--clock', 'manual']);
    const ids: string[] = [];
    for (const body of ['forced', 'advanced']) {
      const res = await sendMsghub(run, body);
      expect(res.status).toBe(201);
      ids.push(res.body.messageId as string);
    }
    // No file may grow past its first byte: the journal's next batch and a reset's snapshot both fail.
    capFileSize(run, 1);

    const spec = await SpecChecker.load(specPath('control'));
    const refusals = [
      [`/messages/msghub/${ids[0]}/status`, await control(run, `/messages/msghub/${ids[0]}/status`, { status: 'failed', reason: 'Handset switched off' })],
      // The messages' lifecycle steps fire on the way: changes to write.
      ['/clock/advance', await control(run, '/clock/advance', { by: '10s' })],
      ['/reset', await control(run, '/reset', {})],
    ] as const;
    for (const [what, res] of refusals) {
      spec.check('post', what, res);
      expect(res.status, what).toBe(503);
      expect(res.headers['retry-after'], what).toBe('1');
      expect(res.headers['content-type'], what).toMatch(/^application\/json/);
      expect(res.body, what).toEqual({
        error: { code: 'storage_unavailable', message: expect.stringContaining('could not be saved (file too large (EFBIG))') },
      });
      storageFigures.controlRefused++;
    }
    expect((await http(`${run.url}/_sim/ready`)).status).toBe(503);
    // A control call that changes nothing promises nothing new: answered as usual.
    expect((await http(`${run.url}/_sim/clock`)).status).toBe(200);

    capFileSize(run, 'unlimited');
    await untilReady(run);
    // A refused call's outcome is unknown to the client (as with any 5xx): the reset is sent again.
    expect((await control(run, '/reset', { provider: 'msghub' })).status).toBe(200);
    const sent = await sendMsghub(run, 'after');
    expect(sent.status).toBe(201);
    const id = sent.body.messageId as string;
    const forced = await control(run, `/messages/msghub/${id}/status`, { status: 'failed', reason: 'Number unreachable' });
    expect(forced.status).toBe(200);
    expect(forced.body).toMatchObject({ id, status: 'failed' });
    const advanced = await control(run, '/clock/advance', { by: '1h' });
    expect(advanced.status).toBe(200);
    storageFigures.controlAnswered = 3;

    // What they answered is what a restart finds: the reset outbox with the one message sent since, as
    // forced, and the clock where the advance left it.
    await stop(run, 'SIGKILL');
    const restarted = await startCli(['--data', file, '--clock', 'manual']);
    const outbox = await http(`${restarted.url}/msghub/api/v1/messages?limit=10`, { headers: MSGHUB });
    expect(outbox.body.data.map((m: { messageId: string; status: string }) => [m.messageId, m.status])).toEqual([[id, 'failed']]);
    expect((await http(`${restarted.url}/_sim/clock`)).body.nowMs).toBe(advanced.body.nowMs);
    await stop(restarted);
  }, 60_000);
});
