/**
 * The command line as a person meets it (issue 21): `--version`, `msgsim help <command>`, an unknown
 * command or flag named in its error and exit 2 (every usage error of every command exits 2), and on a
 * terminal (`--log-format pretty`, the default when stdout is a TTY) a start-up banner with every
 * provider's base URL, the inbox and the docs, then one readable line a request.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../src/providers/index.js';
import { ensureBuilt, http, killAll, ROOT, runToExit, spawnCli, stop, withTimeout } from '../support/cli.js';

const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('the msgsim command line', () => {
  beforeAll(() => ensureBuilt());
  afterEach(async () => {
    await killAll();
  });

  it('--version prints the package version', async () => {
    const run = await runToExit(['--version']);
    expect(run).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
  });

  it("help <command> shows that command's usage", async () => {
    for (const command of ['verify', 'proxy']) {
      const run = await runToExit(['help', command]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: msgsim ${command} [options]`);
    }
  });

  it.each([
    [['serve'], /error: unknown command 'serve'/],
    [['--no-such-flag'], /unknown option '--no-such-flag'/],
    [['verify', '--provider', 'nope', '--base-url', 'http://127.0.0.1:1/'], /argument 'nope' is invalid/],
    [['verify', '--base-url', 'http://127.0.0.1:1/'], /required option '--provider <name>' not specified/],
    [['proxy', '--provider', 'msghub', '--upstream', 'not a url'], /--upstream: not a URL/],
    [['help', 'nope'], /unknown command 'nope'/],
  ])('%j is a usage error: exit 2, named on stderr', async (args, message) => {
    const run = await runToExit(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('--log-format pretty: a banner with every base URL, then a readable line a request', async () => {
    const spawned = spawnCli(['--port', '0', '--log-format', 'pretty']);
    const url = await withTimeout(
      new Promise<string>((resolve) => {
        spawned.child.stdout.on('data', () => {
          const found = /listening on (http:\/\/[^\s]+)/.exec(spawned.stdout());
          if (found && spawned.stdout().includes('Ctrl-C')) resolve(found[1]!);
        });
      }),
      'the banner',
      30_000,
    );
    const text = spawned.stdout();
    expect(text).toContain(`msgsim ${VERSION} listening on ${url}`);
    for (const provider of PROVIDERS) expect(text).toContain(`${url}/${provider.name}${provider.basePath}`);
    for (const page of ['/_sim/ui', '/_sim/docs', '/_sim']) expect(text).toContain(`${url}${page}`);
    expect(text).not.toContain('{"level"');
    await http(`${url}/msghub/api/v1/messages/nope`, { headers: { 'X-API-Key': 'mk_live_pretty01' } });
    await withTimeout(
      new Promise<void>((resolve) => {
        const look = () => /GET \/msghub\/api\/v1\/messages\/nope → 404 \(\d/.test(spawned.stdout()) && resolve();
        spawned.child.stdout.on('data', look);
        look();
      }),
      'the request line',
    );
    expect(spawned.stdout()).not.toContain('mk_live_pretty01');
    await stop({ ...spawned, url, logs: () => [] });
  });
});
