// The ceiling (issue 11, scenario b): bare node:http doing what the express baseline does — read and
// parse the JSON body, answer the same fixed 201 — so the table shows what any framework costs.
import { createServer } from 'node:http';

const FIXED = JSON.stringify({ messageId: 'msg_abc123', channel: 'sms', to: '+919876543210', status: 'queued', createdAt: '2024-04-08T10:30:00Z' });

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
    } catch {
      res.writeHead(400, { 'Content-Type': 'application/json' }).end('{"error":"invalid_json"}');
      return;
    }
    res.writeHead(201, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(FIXED) }).end(FIXED);
  });
});

server.listen(Number(process.argv[2] ?? 0), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
