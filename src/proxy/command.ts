/** `msgsim proxy`: registered on the root program by cli.ts with one call. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { createLogger, type LogLevel } from '../logger.js';
import { PROVIDERS } from '../providers/index.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port from 0 to 65535');
  return n;
}

export function registerProxyCommand(program: Command): void {
  // Subcommands reuse names of the root's serve flags (--provider, --port): each command reads its own.
  program.enablePositionalOptions();
  program
    .command('proxy')
    .description("forward a provider's API to an upstream and report every request and response that departs from the spec")
    .addOption(new Option('--provider <name>', 'provider whose spec to validate against').choices(PROVIDERS.map((p) => p.name)).makeOptionMandatory())
    .requiredOption('--upstream <url>', "the upstream API's base URL, e.g. https://api.example.com/api/v1")
    .addOption(new Option('-p, --port <port>', 'port to listen on (0 = any free port)').argParser(port).default(4020))
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'))
    .action(async (flags: { provider: string; upstream: string; port: number; host: string; logLevel: LogLevel }) => {
      try {
        new URL(flags.upstream);
      } catch {
        program.error(`--upstream: not a URL: ${flags.upstream}`, { exitCode: 2 });
      }
      const logger = createLogger(flags.logLevel);
      const { startProxy } = await import('./server.js'); // only when proxying (serve's cold start)
      const proxy = await startProxy({ provider: flags.provider, upstream: flags.upstream, port: flags.port, host: flags.host, logger });
      logger.info({ url: proxy.url, upstream: flags.upstream, provider: flags.provider }, 'msgsim proxy listening');
      logger.info(`violations: ${proxy.url}/_sim/proxy/violations`);
      const shutdown = () => void proxy.close().then(() => process.exit(0));
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
    });
}
