/**
 * The start-up output msgsim picks by itself (issue 21): on a terminal, with no --log-format, a readable
 * banner listing every registered provider's base URL, the control API, the dev inbox and the API reference;
 * not on a terminal (a pipe, as in CI and scripts), JSON log lines carrying the same facts; on a terminal
 * with --log-format json, JSON lines too. The terminal is a real pseudo-terminal from util-linux `script`
 * (bsdutils, an essential Debian package: on every CI machine), so process.stdout.isTTY is what a person's
 * shell gives. Each start listens on a free port (--port 0); every wait is bounded and afterEach kills
 * the process groups of whatever is left.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../src/providers/index.js';
import { apiBasePaths } from '../../src/providers/provider.js';
import { ensureBuilt, http, killAll, ROOT, spawnCliInTerminal, START_MS, startCli, stop, waitForOutput, withTimeout, type LogLine } from '../support/cli.js';

const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
/** The same start in every test: only where stdout goes (and, once, --log-format) differs. */
const ARGS = ['--port', '0', '--log-level', 'info'];
const SIM_PAGES = [
  ['control API', '/_sim'],
  ['dev inbox', '/_sim/ui'],
  ['API reference', '/_sim/docs'],
] as const;

/** The last of the start-up log lines, whole (a pipe may deliver a line in pieces). */
const DEV_INBOX_LINE = /"msg":"dev inbox:[^\n]*\n/;

const escapeRe = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every provider's base URLs under `url`: the first, then its aliases. */
function providerUrls(url: string) {
  return PROVIDERS.map((provider) => ({ provider, urls: apiBasePaths(provider).map((base) => `${url}/${provider.name}${base}`) }));
}

/** Every non-empty line parsed as JSON (a line that is not JSON fails the test, naming it). */
function jsonLines(text: string): LogLine[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`not a JSON line: ${JSON.stringify(line)}`);
      }
    });
}

describe('start-up output: a banner on a terminal, JSON lines otherwise', () => {
  beforeAll(() => ensureBuilt());
  afterEach(async () => {
    await killAll();
  });

  it('on a terminal, with no --log-format: a banner with every base URL, the control API, the inbox and the docs; Ctrl-C stops it', async () => {
    expect(PROVIDERS.length).toBeGreaterThan(0);
    const run = spawnCliInTerminal(ARGS);
    // The banner's last line, or (the choice gone wrong) the JSON lines' last: either ends the wait.
    const text = await waitForOutput(run, (output) => output.includes('Ctrl-C stops it') || DEV_INBOX_LINE.test(output), 'the start-up banner', START_MS);
    expect(text).toContain('Ctrl-C stops it');
    const url = /msgsim \S+ listening on (http:\/\/127\.0\.0\.1:\d+) /.exec(text)?.[1];
    expect(url, text).toBeDefined();
    expect(text).toContain(`msgsim ${VERSION} listening on ${url!}`);
    const lines = text.split('\n');
    for (const { provider, urls } of providerUrls(url!)) {
      const [first, ...aliases] = urls;
      const line = lines.find((l) => l.trimStart().startsWith(`${provider.title} `));
      expect(line, `${provider.title}'s line in:\n${text}`).toMatch(new RegExp(`^\\s+${escapeRe(provider.title)}\\s+${escapeRe(first!)}( |$)`));
      for (const alias of aliases) expect(line).toContain(alias);
    }
    for (const [name, page] of SIM_PAGES)
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^\\s+${escapeRe(name)}\\s+${escapeRe(`${url!}${page}`)}$`)));
    expect(text).not.toContain('{"level"');
    // The banner's address is where msgsim answers.
    expect((await http(`${url!}/_sim/health`)).status).toBe(200);
    // What the banner promises: Ctrl-C typed on the terminal stops it, cleanly.
    run.type('\x03');
    expect(await withTimeout(run.exited, 'msgsim to stop on Ctrl-C')).toEqual({ code: 0, signal: null });
    expect(run.output()).toMatch(/shutting down.*SIGINT/);
  });

  it('not on a terminal (stdout a pipe): JSON lines with the same facts, no banner', async () => {
    const run = await startCli(); // the same ARGS: --port 0 --log-level info
    await withTimeout(
      new Promise<void>((resolve) => {
        const look = () => DEV_INBOX_LINE.test(run.stdout()) && resolve();
        run.child.stdout!.on('data', look);
        look();
      }),
      "the 'dev inbox' log line",
    );
    const logs = jsonLines(run.stdout());
    expect(run.stdout()).not.toContain('Ctrl-C stops it');
    expect(run.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const messages = logs.map((l) => l.msg);
    for (const { provider, urls } of providerUrls(run.url)) {
      const [first, ...aliases] = urls;
      expect(messages).toContain(`${provider.title}: ${first!}${aliases.length ? ` (also ${aliases.join(', ')})` : ''}`);
    }
    expect(messages).toContain(`control API: ${run.url}/_sim (health: ${run.url}/_sim/health)`);
    expect(messages).toContain(`dev inbox: ${run.url}/_sim/ui · API reference: ${run.url}/_sim/docs`);
    expect(await stop(run)).toEqual({ code: 0, signal: null });
  });

  it('on a terminal with --log-format json: JSON lines, no banner', async () => {
    const run = spawnCliInTerminal([...ARGS, '--log-format', 'json']);
    const text = await waitForOutput(run, (output) => DEV_INBOX_LINE.test(output), "the 'dev inbox' log line", START_MS);
    const logs = jsonLines(text.replace(/^msgsim-pid \d+\n/, ''));
    expect(logs.find((l) => l.msg === 'msgsim listening')?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(text).not.toContain('Ctrl-C stops it');
  });
});
