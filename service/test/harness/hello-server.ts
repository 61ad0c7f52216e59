// The benchmark's baseline: a bare Express "hello" route, nothing else, run with the same Node
// binary and flags as the service, so the ratio isolates what the service itself costs.
import express from 'express';

const app = express();
app.get('/hello', (_req, res) => {
  res.json({ hello: 'world' });
});
const server = app.listen(Number(process.env['PORT'] ?? 8081), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
