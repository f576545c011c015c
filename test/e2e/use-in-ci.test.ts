/**
 * The README's "Use in CI" job, run as written: its `run` steps, in order, each in its own bash as GitHub
 * Actions runs them (`bash --noprofile --norc -eo pipefail`), with the job's env (the port swapped for a free
 * one), `if: failure()` honoured, in a consumer project whose msgsim.yaml is the README's set-up example and
 * whose node_modules holds this package (npx finds it there, offline). `uses:` steps are GitHub's own and
 * `npm ci` has nothing to install here; both are skipped. Once with consumer tests that pass (no artifacts),
 * once with tests that fail: the artifacts hold the state, which restores, and the journal with the refusal.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createSimulator } from '../../src/simulator.js';
import { msgflash } from '../../src/providers/msgflash/index.js';
import { msghub } from '../../src/providers/msghub/index.js';
import { cleanEnv, ensureBuilt, ROOT, withTimeout } from '../support/cli.js';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string | number>;
}

interface Job {
  env: Record<string, string | number>;
  steps: Step[];
}

interface StepResult {
  step: string;
  code: number | null;
  output: string;
}

const STEP_MS = 90_000;
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The first fenced block in `lang` after `heading`. */
function readmeBlock(heading: string, lang: string): string {
  const at = readme.indexOf(`\n${heading}\n`);
  expect(at, heading).toBeGreaterThan(0);
  const open = readme.indexOf(`\`\`\`${lang}\n`, at);
  return readme.slice(open + lang.length + 4, readme.indexOf('```', open + lang.length + 4));
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Process groups the steps started (msgsim stays in the background after its step): killed at the end. */
const groups = new Set<number>();

function runStep(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  groups.add(child.pid!);
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return withTimeout(new Promise((resolve) => child.once('exit', (code) => setImmediate(() => resolve({ code, output })))), `step: ${script}`, STEP_MS);
}

/** Runs the job's steps as a runner would: a failed step skips the rest but those marked `if: failure()`. */
async function runJob(job: Job, cwd: string, port: number): Promise<StepResult[]> {
  const jobEnv = Object.fromEntries(Object.entries(job.env).map(([k, v]) => [k, String(v).replaceAll('4010', String(port))]));
  const results: StepResult[] = [];
  let failed = false;
  for (const step of job.steps) {
    const onFailure = step.if === 'failure()';
    if (step.uses || step.run === undefined || step.run.trim() === 'npm ci' || onFailure !== failed) continue;
    const env = cleanEnv({ ...jobEnv, ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, String(v)])), npm_config_offline: 'true' });
    const { code, output } = await runStep(step.run, cwd, env);
    results.push({ step: step.name ?? step.run, code, output });
    if (code !== 0) failed = true;
  }
  return results;
}

/** A consumer project: this package in node_modules (as npm would link it), the README's msgsim.yaml, a test. */
function consumerProject(testsPass: boolean): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'msgsim-ci-'));
  mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(ROOT, path.join(dir, 'node_modules', 'msgsim'));
  symlinkSync('../msgsim/dist/cli.js', path.join(dir, 'node_modules', '.bin', 'msgsim'));
  writeFileSync(path.join(dir, 'msgsim.yaml'), readmeBlock('## Set-up from a file', 'yaml'));
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module', scripts: { test: 'node consumer.test.js' } }),
  );
  const { profile } = msgflash;
  const auth = profile.auth({ apiKey: 'msgf_live_qa000001' }).headers;
  const send = profile.send.body('+14155550124', 'Your code is 123456');
  // The consumer's own test: the fixture the set-up made is there, a send is accepted; the failing
  // variant sends a body without its recipient, as a buggy app would, and fails.
  writeFileSync(
    path.join(dir, 'consumer.test.js'),
    `const base = process.env.MSGSIM_URL + '/msgflash${msgflash.basePath}';
const headers = { ...${JSON.stringify(auth)}, 'Content-Type': 'application/json' };
const contacts = await (await fetch(base + '/contacts', { headers })).json();
if (!JSON.stringify(contacts).includes('Grace Hopper')) throw new Error('the set-up contact is missing: ' + JSON.stringify(contacts));
const body = ${JSON.stringify(send)};
${testsPass ? '' : 'delete body.to;'}
const sent = await fetch(base + '${profile.send.path}', { method: 'POST', headers, body: JSON.stringify(body) });
if (sent.status !== 201) { console.error('send failed', sent.status, await sent.text()); process.exit(1); }
console.log('consumer tests passed');
`,
  );
  return dir;
}

const job = (() => {
  const workflow = parse(readmeBlock('## Use in CI', 'yaml')) as { jobs: Record<string, Job> };
  return Object.values(workflow.jobs)[0]!;
})();
const dirs: string[] = [];

beforeAll(() => ensureBuilt());

afterAll(() => {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("the README's CI recipe, run as written", () => {
  it('the job names what it needs: the set-up file, the port and URL in its env, readiness, artifacts on failure', () => {
    const script = job.steps.map((s) => s.run ?? '').join('\n');
    expect(script).toContain('npx msgsim --config msgsim.yaml');
    expect(script).toContain('$MSGSIM_URL/_sim/ready');
    expect(job.env).toMatchObject({ MSGSIM_PORT: 4010, MSGSIM_URL: 'http://127.0.0.1:4010' });
    expect(job.steps.filter((s) => s.if === 'failure()').map((s) => s.uses ?? 'run')).toEqual(['run', 'actions/upload-artifact@v4']);
  });

  it('tests that pass: the job succeeds against the set-up it declared, and keeps no artifacts', async () => {
    const dir = consumerProject(true);
    dirs.push(dir);
    const results = await runJob(job, dir, await freePort());
    expect(
      results.map((r) => r.code),
      JSON.stringify(results, null, 1),
    ).toEqual([0, 0]);
    expect(results[1]!.output).toContain('consumer tests passed');
    expect(existsSync(path.join(dir, 'msgsim-artifacts'))).toBe(false);
  }, 200_000);

  it('tests that fail: the job fails, and its artifacts hold a state that restores and the refused request', async () => {
    const dir = consumerProject(false);
    dirs.push(dir);
    const results = await runJob(job, dir, await freePort());
    expect(
      results.map((r) => [r.step, r.code]),
      JSON.stringify(results, null, 1),
    ).toEqual([
      ['Start msgsim', 0],
      ['npm test', 1],
      ["Keep msgsim's state and request journal", 0],
    ]);
    const artifacts = path.join(dir, 'msgsim-artifacts');
    const refused = JSON.parse(readFileSync(path.join(artifacts, 'refused.json'), 'utf8')) as { data: Array<Record<string, unknown>> };
    expect(refused.data).toHaveLength(1);
    expect(refused.data[0]).toMatchObject({ provider: 'msgflash', method: 'POST', status: 400, error: { field: 'to' } });
    const all = JSON.parse(readFileSync(path.join(artifacts, 'requests.json'), 'utf8')) as { data: Array<{ status: number }> };
    expect(all.data.map((e) => e.status)).toEqual([400, 200]);
    expect(readFileSync(path.join(artifacts, 'msgsim.log'), 'utf8')).toContain('msgsim listening');

    // The state restores into another msgsim serving the same providers, on a manual clock not past the
    // state's time (a restore moves time forward, never back), as it was, byte for byte; the set-up's
    // contacts answer from the API there.
    const state = readFileSync(path.join(artifacts, 'state.json'), 'utf8');
    const stateTime = Date.parse((JSON.parse(state) as { facts: { now: string } }).facts.now);
    const sim = await createSimulator({ port: 0, clock: 'manual', start: stateTime - 60_000, providers: [msghub, msgflash] });
    try {
      await sim.importState(state);
      expect(await (await fetch(`${sim.url}/_sim/state`)).text()).toBe(state);
      const res = await fetch(`${sim.url}/msgflash${msgflash.basePath}/contacts`, { headers: msgflash.profile.auth({ apiKey: 'msgf_live_qa000001' }).headers });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Grace Hopper');
    } finally {
      await sim.close();
    }
  }, 200_000);
});
