// The ceiling for webhook delivery in bench/webhooks.ts: a bare sender on the core msgsim runs on,
// POSTing a Msghub-sized webhook body to the receiver with the dispatcher's own transport settings
// (node:http, keep-alive Agent, FLOOD_CONCURRENCY sockets, one request per socket at a time) and nothing
// else: no engine, no signing, no log. Prints {posts, ms, cpuMs} as JSON on stdout (cpuMs: the whole
// process, start-up included). Plain JS.
import http from 'node:http';

const [url, total, concurrency] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4] ?? 16)];
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const body = Buffer.from(
  JSON.stringify({
    event: 'message.delivered',
    messageId: 'msg_4fJq9ZkT2mXb8LcA',
    channel: 'sms',
    to: '+919876543210',
    status: 'delivered',
    deliveredAt: '2026-01-01T00:00:03.000Z',
  }),
);

const post = (i) =>
  new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.byteLength, 'x-msghub-event-id': `flood_${i}` } },
      (res) => {
        res.resume();
        res.on('end', resolve);
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });

let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < total) await post(next++);
  }),
);
const cpu = process.cpuUsage();
process.stdout.write(`${JSON.stringify({ posts: total, ms: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
agent.destroy();
