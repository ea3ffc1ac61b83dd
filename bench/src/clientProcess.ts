// Child process: N raw TCP SSE clients. Counts events by a marker byte ('~', one per payload) and,
// in latency mode, reads each event's send time.
import { connect, type Socket } from 'node:net';
import { now } from './clock.js';

const send = (msg: object) => process.send?.(msg);
const MARK = 0x7e; // '~'
let sockets: Socket[] = [];
let received = 0;
let target = Number.POSITIVE_INFINITY;
let latencyMode = false;
let latencies: number[] = [];

function onData(state: { carry: string }, chunk: Buffer): void {
  if (!latencyMode) {
    for (let i = chunk.indexOf(MARK); i !== -1; i = chunk.indexOf(MARK, i + 1)) received++;
    if (received >= target) {
      target = Number.POSITIVE_INFINITY;
      send({ type: 'done', at: now() });
    }
    return;
  }
  const at = now();
  const text = state.carry + chunk.toString('latin1');
  let from = 0;
  for (let i = text.indexOf('~T'); i !== -1; i = text.indexOf('~T', i + 2)) {
    const end = text.indexOf(';', i);
    if (end === -1) break;
    latencies.push(at - Number(text.slice(i + 2, end)));
    from = end + 1;
  }
  state.carry = text.slice(from).slice(-64);
}

process.on('message', async (msg: { type: string; port?: number; n?: number; total?: number }) => {
  if (msg.type === 'connect') {
    const { port, n } = msg as { port: number; n: number };
    let open = 0;
    await new Promise<void>((resolve, reject) => {
      for (let i = 0; i < n; i++) {
        const socket = connect(port, '127.0.0.1');
        const state = { carry: '' };
        socket.on('connect', () => {
          socket.write('GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n');
          if (++open === n) resolve();
        });
        socket.on('data', (chunk: Buffer) => onData(state, chunk));
        socket.on('error', reject);
        sockets.push(socket);
      }
    });
    send({ type: 'connected' });
  }
  if (msg.type === 'expect') {
    received = 0;
    target = msg.total as number;
    send({ type: 'expecting' });
  }
  if (msg.type === 'latency') {
    latencyMode = true;
    latencies = [];
    send({ type: 'latency-on' });
  }
  if (msg.type === 'latency-report') {
    latencyMode = false;
    latencies.sort((a, b) => a - b);
    const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;
    send({ type: 'latency-report', count: latencies.length, p50: q(0.5), p99: q(0.99), max: q(1) });
  }
  if (msg.type === 'close') {
    for (const s of sockets) s.destroy();
    sockets = [];
    send({ type: 'closed' });
  }
});
send({ type: 'ready' });
