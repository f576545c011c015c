/**
 * The same app on a loopback port with keep-alive, for the thousands of requests a rate window or a
 * quota takes (supertest opens a server per request, which makes ten thousand of them slow). Responses
 * are still checked against the provider's spec.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROVIDERS } from '../../src/providers/index.js';
import { specChecker, type TestSim } from './harness.js';

export interface KeepAliveClient {
  get(path: string): Promise<{ status: number; headers: Record<string, string> }>;
  close(): Promise<void>;
}

/** GETs `provider`'s paths (as `sim.client` names them) with these headers on every request. */
export async function keepAliveClient(sim: TestSim, provider: string, headers: Record<string, string>): Promise<KeepAliveClient> {
  const { prefix } = sim.client(provider);
  const checker = await specChecker(PROVIDERS.find((p) => p.name === provider)!);
  const server = createServer(sim.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    async get(path) {
      const res = await fetch(`http://127.0.0.1:${port}${prefix}${path}`, { headers });
      const text = await res.text();
      const received: Record<string, string> = {};
      res.headers.forEach((value, name) => (received[name] = value));
      checker.check('get', path, { status: res.status, headers: received, body: JSON.parse(text), text });
      return { status: res.status, headers: received };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
