// The baseline (issue 11, scenario a): the smallest express 5 app a mock could be — parse the JSON
// body, answer a fixed 201 — from msgsim's own express dependency. Plain JavaScript, run by plain
// `node`, so no TypeScript loader sits in the process whose memory and speed we compare against.
import express from 'express';

const FIXED = { messageId: 'msg_abc123', channel: 'sms', to: '+919876543210', status: 'queued', createdAt: '2024-04-08T10:30:00Z' };

const app = express();
app.use(express.json());
app.post('/messages/send', (req, res) => {
  res.status(201).json(FIXED);
});

const port = Number(process.argv[2] ?? 0);
const server = app.listen(port, '127.0.0.1', (error) => {
  if (error) throw error;
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
