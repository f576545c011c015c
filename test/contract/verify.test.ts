/**
 * The contract suite in-process: it passes against the simulator for every provider, stays inside its
 * send budget and --read-only, and fails with an expected/actual diff when the simulator breaks the
 * contract (a fault rule, or a proxy that mangles a field).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { junitReport, prettyReport } from '../../src/contract/report.js';
import { runVerify, type VerifyReport } from '../../src/contract/run.js';
import { PROVIDERS, providerNamed } from '../../src/providers/index.js';
import { createSimulator, type Simulator } from '../../src/simulator.js';

const base = (sim: Simulator | string, provider: string) => {
  return `${typeof sim === 'string' ? sim : sim.url}/${provider}${providerNamed(provider).basePath}`;
};

const verify = (baseUrl: string, provider: string, extra: Partial<Parameters<typeof runVerify>[0]> = {}) =>
  runVerify({ provider, baseUrl, recipients: [], maxSends: 5, readOnly: false, ...extra });

const byName = (report: VerifyReport, fragment: string) => {
  const found = report.results.find((r) => r.name.includes(fragment));
  if (!found) throw new Error(`no check named like ${fragment}: ${report.results.map((r) => r.name).join(' | ')}`);
  return found;
};

let sim: Simulator;
beforeAll(async () => {
  sim = await createSimulator({ port: 0, clock: 'real' });
});
afterAll(async () => {
  await sim.close();
});

describe('verify against the simulator', () => {
  it.each(PROVIDERS.map((p) => p.name))(
    '%s: every check passes or is skipped with a reason',
    async (provider) => {
      const report = await verify(base(sim, provider), provider);
      const failed = report.results.filter((r) => r.status === 'failed');
      expect(failed, prettyReport(report)).toEqual([]);
      expect(byName(report, 'minimal valid send').status).toBe('passed');
      expect(byName(report, 'missing credentials').status).toBe('passed');
      expect(byName(report, 'wrong credentials').status).toBe('passed');
      expect(byName(report, 'malformed JSON').status).toBe('passed');
      for (const skipped of report.results.filter((r) => r.status === 'skipped')) expect(skipped.reason).toBeTruthy();
      expect(report.sendsUsed).toBeLessThanOrEqual(5);
    },
    60_000,
  );

  it('checks the provider-specific behaviours where they are documented', async () => {
    const msgine = await verify(base(sim, 'msgine'), 'msgine', { credentials: { token: 'contract_idem_0001' } });
    expect(byName(msgine, 'Idempotency-Key').status).toBe('passed');
    const messagehub = await verify(base(sim, 'messagehub'), 'messagehub', { credentials: { apiKey: 'cpk_test_contract_rl' } });
    expect(byName(messagehub, 'rate-limit headers').status).toBe('passed');
    const msgflash = await verify(base(sim, 'msgflash'), 'msgflash', { credentials: { apiKey: 'msgf_live_contract_cur' } });
    expect(byName(msgflash, 'cursors are stable').status).toBe('passed');
    expect(byName(msgflash, 'no duplicates or gaps').status).toBe('passed');
    const sendhub = await verify(base(sim, 'sendhub'), 'sendhub', { credentials: { username: 'contractpages', apiKey: 'PAGEKEY' } });
    expect(byName(sendhub, 'no duplicates or gaps').status).toBe('passed');
  }, 60_000);

  it('--read-only sends nothing and reports every write as skipped', async () => {
    const before = sim.messages('msgine').length;
    const report = await verify(base(sim, 'msgine'), 'msgine', { readOnly: true, credentials: { token: 'contract_readonly_01' } });
    expect(sim.messages('msgine').length).toBe(before);
    expect(report.sendsUsed).toBe(0);
    for (const fragment of ['minimal valid send', 'malformed JSON', 'Idempotency-Key']) {
      expect(byName(report, fragment)).toMatchObject({ status: 'skipped', reason: '--read-only: this check writes' });
    }
    expect(report.results.filter((r) => r.status === 'failed')).toEqual([]);
    expect(byName(report, 'GET /messages (listMessages)').status).toBe('passed');
  }, 60_000);

  it('--max-sends bounds the sends and only the given recipients are used', async () => {
    const token = 'contract_budget_0001';
    const report = await verify(base(sim, 'msgine'), 'msgine', { maxSends: 1, recipients: ['+15005550004'], credentials: { token } });
    const sent = sim.messages('msgine').filter((m) => m.tenant === token);
    expect(sent.length).toBe(1);
    expect(sent.every((m) => JSON.stringify(m).includes('+15005550004'))).toBe(true);
    expect(report.sendsUsed).toBe(1);
    expect(byName(report, 'Idempotency-Key')).toMatchObject({ status: 'skipped', reason: expect.stringContaining('--max-sends 1') });
  }, 60_000);
});

describe('verify against a broken contract', () => {
  it('a fault rule answering 500 on GET /messages fails the list check with a diff', async () => {
    const broken = await createSimulator({ port: 0, clock: 'real' });
    try {
      broken.faults.add({ provider: 'msghub', method: 'GET', path: '/messages', action: { status: 500 } });
      const report = await verify(base(broken, 'msghub'), 'msghub');
      const list = byName(report, 'GET /messages (listMessages)');
      expect(list.status).toBe('failed');
      expect(list.expected).toBe('status 200');
      expect(list.actual).toMatch(/^status 500: .*internal_error/);
      expect(prettyReport(report)).toContain('- expected: status 200');
      expect(prettyReport(report)).toContain('+ actual:   status 500');
      const xml = junitReport(report);
      expect(XMLValidator.validate(xml)).toBe(true);
      expect(xml).toMatch(/<testsuite name="msgsim verify msghub" tests="\d+" failures="[1-9]\d*"/);
      expect(xml).toContain('<failure message="GET /messages answered 500"');
    } finally {
      await broken.close();
    }
  }, 60_000);

  it('a proxy that mangles a field fails the schema check with the problem named', async () => {
    // Renames every message's `status` to `state` on MsGine's list and get responses.
    const mangler = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length')) as Record<string, string>;
        const body = chunks.length ? Buffer.concat(chunks) : undefined;
        void fetch(sim.url + req.url, { method: req.method!, headers, ...(body ? { body } : {}) }).then(async (up) => {
          let text = await up.text();
          if (req.method === 'GET') text = text.replace(/"status":/g, '"state":');
          res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/json' });
          res.end(text);
        });
      });
    });
    await new Promise<void>((resolve) => mangler.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(mangler.address() as AddressInfo).port}`;
      const report = await verify(base(url, 'msgine'), 'msgine', { credentials: { token: 'contract_mangled_01' } });
      const get = byName(report, 'GET /messages/{id} (getMessage)');
      expect(get.status).toBe('failed');
      expect(get.reason).toContain('does not match the spec');
      expect(get.actual).toMatch(/must have required property 'status'/);
      expect(byName(report, 'minimal valid send').status).toBe('passed');
    } finally {
      await new Promise<void>((resolve) => mangler.close(() => resolve()));
    }
  }, 60_000);
});
