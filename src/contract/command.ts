/**
 * `msgsim verify`: the consumer contract suite against any base URL (the simulator or a provider's
 * sandbox). Registered on the root program by cli.ts with one call.
 */
import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { Clock } from '../engine/clock.js';
import type { Credentials } from '../providers/client-profile.js';
import { PROVIDERS } from '../providers/index.js';

interface VerifyFlags {
  provider: string;
  baseUrl: string;
  apiKey?: string;
  token?: string;
  username?: string;
  recipient: string[];
  maxSends: number;
  readOnly: boolean;
  reporter: 'pretty' | 'junit';
  output?: string;
}

function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number ≥ 0');
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Undefined when the base URL answers anything at all (any status); otherwise why not. */
async function probe(url: URL): Promise<string | undefined> {
  try {
    const res = await fetch(url, { method: 'GET', redirect: 'manual', signal: new Clock().realAbortSignal(PROBE_TIMEOUT_MS) });
    await res.body?.cancel();
    return undefined;
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  }
}

const PROBE_TIMEOUT_MS = 10_000;

/** The registered providers whose credentials have this part, as a credential flag's help names them: " (msghub, sendhub)". */
function providersTaking(part: keyof Credentials): string {
  const names = PROVIDERS.filter((p) => p.profile.defaultCredentials[part] !== undefined).map((p) => p.name);
  return names.length > 0 ? ` (${names.join(', ')})` : '';
}

export function registerVerifyCommand(program: Command): void {
  // Subcommands reuse names of the root's serve flags (--provider, --port): each command reads its own.
  program.enablePositionalOptions();
  program
    .command('verify')
    .description('run the consumer contract suite for one provider against a base URL (the simulator or a real sandbox)')
    .addOption(new Option('--provider <name>', 'provider whose contract to check').choices(PROVIDERS.map((p) => p.name)).makeOptionMandatory())
    .requiredOption('--base-url <url>', "the provider API's base URL, e.g. http://localhost:4010/msghub/api/v1")
    .option('--api-key <key>', `API key${providersTaking('apiKey')}`)
    .option('--token <token>', `bearer token${providersTaking('token')}`)
    .option('--username <name>', `account username, with --api-key${providersTaking('username')}`)
    .option('--recipient <e164>', 'a recipient sends may go to (repeatable; default +15005550000)', collect, [])
    .option('--max-sends <n>', 'never send more than this many messages', nonNegativeInteger, 5)
    .option('--read-only', 'skip every check that writes', false)
    .addOption(new Option('--reporter <kind>', 'output format').choices(['pretty', 'junit']).default('pretty'))
    .option('--output <file>', 'write the report to this file (the summary still goes to stdout)')
    .action(async (flags: VerifyFlags) => {
      let baseUrl: URL;
      try {
        baseUrl = new URL(flags.baseUrl);
      } catch {
        program.error(`--base-url: not a URL: ${flags.baseUrl}`, { exitCode: 2 });
      }
      // A target that does not answer at all is a wrong --base-url (or a server not started): one line,
      // exit 2, rather than every check failing on the same network error.
      const unreachable = await probe(baseUrl);
      if (unreachable) program.error(`--base-url: cannot reach ${baseUrl.origin}: ${unreachable}`, { exitCode: 2 });
      // Loaded here, not at the top: the contract suite's spec parser and validators would cost every
      // `msgsim` start (the serve path) a few hundred milliseconds it never uses.
      const [{ runVerify }, { junitReport, prettyReport, summarize }] = await Promise.all([import('./run.js'), import('./report.js')]);
      const report = await runVerify({
        provider: flags.provider,
        baseUrl: baseUrl.toString(),
        credentials: {
          ...(flags.apiKey ? { apiKey: flags.apiKey } : {}),
          ...(flags.token ? { token: flags.token } : {}),
          ...(flags.username ? { username: flags.username } : {}),
        },
        recipients: flags.recipient,
        maxSends: flags.maxSends,
        readOnly: flags.readOnly,
      });
      const pretty = prettyReport(report);
      const rendered = flags.reporter === 'junit' ? junitReport(report) : pretty;
      if (flags.output) {
        writeFileSync(flags.output, rendered);
        process.stdout.write(pretty);
      } else {
        process.stdout.write(rendered);
      }
      process.exitCode = summarize(report).failed > 0 ? 1 : 0;
    });
}
