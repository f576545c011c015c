// The local webhook receiver of bench/webhooks.ts: answers every POST 204 at once, as a healthy receiver
// would, and counts what it got per event id (`X-Msghub-Event-Id`, stable across retries) so the bench
// can tell deliveries from duplicates. GET /stats reads the counts, DELETE /stats clears them. Plain JS
// (no TypeScript loader in a measured process).
import { createServer } from 'node:http';

let perEvent = new Map();
let posts = 0;
let connections = 0;

const server = createServer((req, res) => {
  if (req.method === 'GET' || req.method === 'DELETE') {
    if (req.method === 'DELETE') {
      perEvent = new Map();
      posts = 0;
      connections = 0;
    }
    let duplicates = 0;
    for (const n of perEvent.values()) if (n > 1) duplicates++;
    const body = JSON.stringify({ posts, events: perEvent.size, duplicates, connections });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    return;
  }
  req.resume();
  req.on('end', () => {
    posts++;
    const id = req.headers['x-msghub-event-id'];
    if (typeof id === 'string') perEvent.set(id, (perEvent.get(id) ?? 0) + 1);
    res.writeHead(204).end();
  });
});
server.on('connection', () => connections++);
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
