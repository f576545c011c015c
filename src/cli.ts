#!/usr/bin/env node
/**
 * `msgsim`: serve every provider (or one at the root) with flags > MSGSIM_* env > --config file > defaults, and shut
 * down gracefully on SIGINT/SIGTERM (stop accepting, finish in-flight requests, flush state, exit).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { banner } from './banner.js';
import { createLogger, flushLogger, type LogFormat, type LogLevel } from './logger.js';
import { packageVersion } from './paths.js';
import { PROVIDERS } from './providers/index.js';
import { apiBasePaths } from './providers/provider.js';
import { createSimulator } from './simulator.js';
import { StorageError } from './engine/storage-error.js';
import { registerVerifyCommand } from './contract/command.js';
import { registerProxyCommand } from './proxy/command.js';
import { loadConfigFile } from './setup/config-file.js';
import { withConfigFile, type ServeFlags } from './setup/flag-precedence.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
/** Commander's errors that mean "the command line is wrong": exit 2, as `verify` documents. */
const USAGE_ERRORS = new Set([
  'commander.unknownOption',
  'commander.unknownCommand',
  'commander.invalidArgument',
  'commander.missingArgument',
  'commander.missingMandatoryOptionValue',
  'commander.optionMissingArgument',
  'commander.excessArguments',
  'commander.conflictingOption',
  'commander.error',
]);

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port from 0 to 65535');
  return n;
}

/** `--cors` alone (or MSGSIM_CORS=true/*) is any origin; otherwise a comma-separated list of origins. */
function corsOrigins(value: true | string): true | string[] {
  if (value === true || value === 'true' || value === '*') return true;
  return value
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
}

function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number, 0 or more');
  return n;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be an integer');
  return n;
}

const program = new Command()
  .name('msgsim')
  .description('Provider simulator and contract-testing mock server for messaging APIs')
  .version(packageVersion(), '-V, --version', 'print the version and exit')
  .helpCommand('help [command]', 'show help for a command (serve flags: msgsim --help)')
  // Extra words are an unknown command, named in the error (see the action).
  .allowExcessArguments(true)
  // Every usage error, of every command, exits 2 (subcommands inherit this).
  .exitOverride((error: CommanderError) => {
    process.exit(USAGE_ERRORS.has(error.code) ? 2 : error.exitCode);
  })
  .addOption(new Option('-p, --port <port>', 'port to listen on (0 = any free port)').env('MSGSIM_PORT').argParser(port).default(4010))
  .addOption(new Option('--host <host>', 'address to bind').env('MSGSIM_HOST').default('127.0.0.1'))
  .addOption(new Option('--provider <name>', 'serve only this provider, at the root').env('MSGSIM_PROVIDER').choices(PROVIDERS.map((p) => p.name)))
  .addOption(new Option('--clock <mode>', 'simulation clock').env('MSGSIM_CLOCK').choices(['real', 'manual', 'speed']))
  .addOption(new Option('--speed <factor>', 'speed factor (implies --clock speed)').env('MSGSIM_SPEED').argParser(positiveNumber))
  .addOption(new Option('--data <file>', 'persist state to this JSON file (in memory by default)').env('MSGSIM_DATA'))
  .addOption(new Option('--fsync', 'with --data: fdatasync every write before acknowledging it (survives power loss; slower)').env('MSGSIM_FSYNC'))
  .addOption(
    new Option('--seed <n>', 'seed for ids and probabilities: the same seed gives the same run (default: a new one each start)')
      .env('MSGSIM_SEED')
      .argParser(integer),
  )
  .addOption(new Option('--no-rate-limits', "do not enforce the providers' rate limits"))
  .addOption(
    new Option(
      '--cors [origins]',
      "answer browsers' CORS requests to the provider APIs (not /_sim), from any origin or from these (comma-separated); off by default, as the live APIs are",
    ).env('MSGSIM_CORS'),
  )
  .addOption(new Option('--admin-token <token>', 'protect the /_sim control API with this token').env('MSGSIM_ADMIN_TOKEN'))
  .addOption(
    new Option(
      '--webhook-allow <list>',
      'comma-separated hosts, *.suffix, CIDRs, IP addresses, loopback, private or * that webhooks may reach (link-local and cloud metadata addresses only when named by a CIDR, address or exact host)',
    )
      .env('MSGSIM_WEBHOOK_ALLOW')
      .default('loopback,private'),
  )
  .addOption(
    new Option('--journal-size <n>', 'requests kept in the request journal (/_sim/requests), the oldest dropped first; 0 turns it off')
      .env('MSGSIM_JOURNAL_SIZE')
      .argParser(nonNegativeInteger)
      .default(10_000),
  )
  .addOption(new Option('--log-level <level>', 'log level').env('MSGSIM_LOG_LEVEL').choices(LOG_LEVELS).default('info'))
  .addOption(
    new Option('--log-format <format>', 'pretty (a start-up banner and one readable line a request) or json (one JSON object a line)')
      .env('MSGSIM_LOG_FORMAT')
      .choices(['pretty', 'json'])
      .default(process.stdout.isTTY ? 'pretty' : 'json', 'pretty on a terminal, json otherwise'),
  )
  .addOption(
    new Option('--config <file>', 'set-up file (YAML or JSON): providers, clock, keys, fixtures, faults, receivers; flags and MSGSIM_* beat it').env(
      'MSGSIM_CONFIG',
    ),
  )
  .action(async (flags: ServeFlags & { logLevel: LogLevel; logFormat: LogFormat; config?: string }) => {
    const [unknown] = program.args;
    if (unknown !== undefined)
      program.error(`error: unknown command '${unknown}' (commands: verify, proxy, help; serving takes only flags: msgsim --help)`, { exitCode: 2 });
    const config = flags.config ? await loadConfigFile(flags.config) : undefined;
    const opts = config ? withConfigFile(flags, (name) => program.getOptionValueSource(name), config, process.env) : flags;
    const pretty = opts.logFormat === 'pretty';
    const logger = createLogger(opts.logLevel, pretty ? { format: 'pretty' } : { buffered: true });
    if (opts.clock === 'speed' && !opts.speed) program.error('--clock speed needs --speed <factor>');
    const sim = await createSimulator({
      port: opts.port,
      host: opts.host,
      ...(opts.provider ? { provider: opts.provider } : {}),
      clock: opts.clock ?? (opts.speed ? 'speed' : 'real'),
      ...(opts.speed ? { speed: opts.speed } : {}),
      ...(opts.data ? { data: opts.data, fsync: opts.fsync === true } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      rateLimits: opts.rateLimits && process.env.MSGSIM_RATE_LIMITS !== 'false',
      ...(opts.adminToken ? { adminToken: opts.adminToken } : {}),
      ...(opts.cors && opts.cors !== 'false' ? { cors: corsOrigins(opts.cors) } : {}),
      webhookAllow: opts.webhookAllow
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      journalSize: opts.journalSize,
      logger,
      ...(config ? { config } : {}),
    });
    const base = `http://${opts.host === '0.0.0.0' ? 'localhost' : opts.host}:${sim.port}`;
    const mounted = config?.document.providers;
    const served = PROVIDERS.filter((p) => (opts.provider ? p.name === opts.provider : !mounted || mounted.includes(p.name))).map((p) => {
      const [url, ...aliases] = apiBasePaths(p).map((path) => `${base}${opts.provider ? '' : `/${p.name}`}${path}`);
      return { title: p.title, url: `${url!}${aliases.length ? ` (also ${aliases.join(', ')})` : ''}` };
    });
    if (pretty && opts.logLevel !== 'silent') {
      process.stdout.write(banner({ version: packageVersion(), base, clock: sim.clock.mode, seed: sim.seed, data: opts.data, providers: served }));
    } else {
      logger.info(
        { url: base, clock: sim.clock.mode, seed: sim.seed, data: opts.data ?? null, ...(opts.data ? { fsync: opts.fsync === true } : {}) },
        'msgsim listening',
      );
      for (const p of served) logger.info(`${p.title}: ${p.url}`);
      logger.info(`control API: ${base}/_sim (health: ${base}/_sim/health)`);
      logger.info(`dev inbox: ${base}/_sim/ui · API reference: ${base}/_sim/docs`);
    }
    // Scripts and tests wait for these lines: out now, not when the buffer next fills.
    void flushLogger(logger, sim.clock);

    let closing = false;
    const shutdown = (signal: string) => {
      if (closing) return;
      closing = true;
      logger.info({ signal }, 'shutting down');
      void sim
        .close()
        .then(() => 0)
        .catch((err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          return 1;
        })
        .then(async (code) => {
          await flushLogger(logger, sim.clock);
          process.exit(code);
        });
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
  });

registerVerifyCommand(program);
registerProxyCommand(program);

// `msgsim help nope` would print the whole help and exit 1: name the unknown command, as for `msgsim nope`.
const [word, topic] = process.argv.slice(2);
if (word === 'help' && topic !== undefined && !topic.startsWith('-') && !program.commands.some((command) => command.name() === topic)) {
  program.error(`error: unknown command '${topic}' (commands: ${program.commands.map((command) => command.name()).join(', ')})`, { exitCode: 2 });
}

program.parseAsync().catch((err: unknown) => {
  if (err instanceof CommanderError) process.exit(USAGE_ERRORS.has(err.code) ? 2 : err.exitCode);
  // One line a user can act on: for the data file, the path and the cause.
  const message = err instanceof StorageError ? `cannot use the data file: ${err.message}` : err instanceof Error ? err.message : String(err);
  process.stderr.write(`msgsim: ${message}\n`);
  process.exit(1);
});
