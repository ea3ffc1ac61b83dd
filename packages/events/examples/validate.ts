// @ws/events at both ends of the wire: `pnpm --filter @ws/events example` (after `pnpm build`).
// A publisher checks its body before POST /api/push; a client checks what /stream and the API send.
import { ErrorBodySchema, PushInputSchema, PushResultSchema, type StreamGap, StreamGapSchema } from '@ws/events';

// 1. What a publisher sends: defaults filled in, mistakes named the way the server's 400 names them.
const body = PushInputSchema.parse({ message: 'deployment completed', channel: 'ops' });
console.log('push body:', JSON.stringify(body));
const bad = PushInputSchema.safeParse({ message: 'x', priority: 'urgent' });
if (!bad.success) console.log('refused:', bad.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));

// 2. What the server answers (`POST /api/push`), checked before use.
const answer = PushResultSchema.safeParse(
  JSON.parse(
    '{"status":"success","id":"1795292877836-0","timestamp":"2026-11-21T20:47:57.836Z","channel":"ops","type":"info","priority":"normal","clients":2}',
  ),
);
console.log(
  'push answer:',
  answer.success ? `${answer.data.id} reached ${answer.data.clients} client(s)` : 'unexpected',
);
console.log('error answer:', ErrorBodySchema.parse({ error: 'limit must be an integer from 1 to 1000' }).error);

// 3. A `gap` event's data, as an EventSource listener receives it: narrow on `reason`.
function describeGap(gap: StreamGap): string {
  switch (gap.reason) {
    case 'expired':
    case 'unknown':
      return `history before ${gap.lastEventId} is not available (${gap.reason})`;
    case 'overflow':
      return `${gap.missed} event(s) dropped, ids ${gap.firstId} to ${gap.lastId}`;
    case 'unrenderable':
      return `event ${gap.firstId} could not be rendered: ${gap.message}`;
  }
}
for (const data of [
  '{"reason":"overflow","missed":3,"firstId":"1795292877837-0","lastId":"1795292877839-0"}',
  '{"reason":"unknown","lastEventId":"1795292870000-0"}',
  '{"reason":"later","missed":"some"}',
]) {
  const gap = StreamGapSchema.safeParse(JSON.parse(data));
  console.log('gap:', gap.success ? describeGap(gap.data) : 'a gap this client does not understand: reload');
}
