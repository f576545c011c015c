/**
 * CI self-verification: the built CLI's `msgsim verify` against a running simulator (`node dist/cli.js`)
 * exits 0 for every provider, exits 1 with a diff when a fault breaks the contract, writes JUnit XML
 * with --reporter junit --output, and exits 2 on bad flags without touching the network.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS, providerNamed } from '../../src/providers/index.js';
import { ensureBuilt, http, killAll, spawnCli, startCli, stop, withTimeout, type Running } from '../support/cli.js';

const VERIFY_MS = 45_000;

async function verifyCli(args: string[]) {
  const spawned = spawnCli(['verify', ...args]);
  const exit = await withTimeout(spawned.exited, `msgsim verify ${args.join(' ')}`, VERIFY_MS);
  return { ...exit, stdout: spawned.stdout(), stderr: spawned.stderr() };
}

let sim: Running;
const baseUrl = (provider: string) => `${sim.url}/${provider}${providerNamed(provider).basePath}`;

beforeAll(async () => {
  ensureBuilt();
  sim = await startCli();
}, 120_000);
afterAll(async () => {
  await stop(sim);
  await killAll();
});

describe('node dist/cli.js verify', () => {
  it.each(PROVIDERS.map((p) => p.name))(
    '%s: exits 0 against the simulator',
    async (provider) => {
      const run = await verifyCli(['--provider', provider, '--base-url', baseUrl(provider)]);
      expect(run.stdout).toMatch(/\d+ passed, 0 failed, \d+ skipped/);
      expect(run.stdout).toContain('✓ PASS a minimal valid send is accepted');
      expect(run.code, run.stdout + run.stderr).toBe(0);
    },
    60_000,
  );

  it('exits 1 with a diff, and writes JUnit XML, when a fault breaks the contract', async () => {
    const fault = await http(`${sim.url}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'sendhub', method: 'GET', path: '/contacts/', action: { status: 503 } }),
    });
    expect(fault.status).toBe(201);
    try {
      const out = path.join(mkdtempSync(path.join(tmpdir(), 'msgsim-verify-')), 'report.xml');
      const run = await verifyCli(['--provider', 'sendhub', '--base-url', baseUrl('sendhub'), '--reporter', 'junit', '--output', out]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('✗ FAIL GET /contacts/ (listContacts) conforms to the spec');
      expect(run.stdout).toContain('- expected: status 200');
      expect(run.stdout).toContain('+ actual:   status 503');
      const xml = readFileSync(out, 'utf8');
      expect(XMLValidator.validate(xml)).toBe(true);
      expect(xml).toContain('<failure message="GET /contacts/ answered 503" type="ContractViolation">');
    } finally {
      await http(`${sim.url}/_sim/faults`, { method: 'DELETE' });
    }
  }, 60_000);

  it('exits 2 on every usage error (a bad or unreachable --base-url, a missing --provider), and the bare command still serves', async () => {
    const bad = await verifyCli(['--provider', 'msghub', '--base-url', 'not a url']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--base-url: not a URL');
    const missing = await verifyCli(['--base-url', 'http://127.0.0.1:1/']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--provider <name>' not specified");
    // A port nothing listens on (fetch refuses the well-known "bad ports" such as 1 outright).
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const unreachable = await verifyCli(['--provider', 'msghub', '--base-url', `http://127.0.0.1:${port}/api/v1`]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain(`--base-url: cannot reach http://127.0.0.1:${port}: ECONNREFUSED`);
    expect(unreachable.stdout).not.toContain('FAIL');
    const health = await http(`${sim.url}/_sim/health`);
    expect(health.status).toBe(200);
  }, 60_000);
});
