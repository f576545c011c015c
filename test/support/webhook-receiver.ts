/**
 * A real webhook receiver for the provider tests: an HTTP server on a free loopback port that records
 * every request it gets (path, headers, the exact bytes a signature covers, the parsed body) and answers
 * with a status the test can change, so retries, 410 Gone and signatures go over a real socket.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  /** The request path, with its query. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The body's exact bytes, as signed. */
  raw: Buffer;
  /** The same bytes as UTF-8. */
  text: string;
  /** The JSON body; undefined when the body is not JSON. */
  body: any;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Status the receiver answers from now on. */
  respondWith(status: number): void;
  close(): Promise<void>;
}

/** `path` is where the URL points (the tests use their provider's documented example). */
export async function startWebhookReceiver(path: string, initialStatus = 200): Promise<WebhookReceiver> {
  let status = initialStatus;
  const received: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = raw.toString('utf8');
      received.push({ path: req.url ?? '', headers: req.headers, raw, text, body: parseJson(text) });
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    respondWith(next) {
      status = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
