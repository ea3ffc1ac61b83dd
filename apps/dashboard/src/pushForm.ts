// The push form: the same POST /api/push as everyone else, with the result (or what to fix) shown under it.
// The input is checked with the server's own schema first, so a mistake is named without a round trip.
import { PushInputSchema } from '@ws/events';
import { api } from './api.js';
import { byId } from './dom.js';

/** Wires `#push` and `#push-result`. */
export function createPushForm(): void {
  byId<HTMLFormElement>('push').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
    const result = byId('push-result');
    let data: unknown;
    if (value('data').trim()) {
      try {
        data = JSON.parse(value('data'));
      } catch (error) {
        result.textContent = `data is not valid JSON: ${(error as Error).message}`;
        return;
      }
    }
    // Empty fields are left out: the schema fills the defaults (channel "default").
    const input = PushInputSchema.safeParse({
      message: value('message') || undefined,
      data,
      type: value('type'),
      channel: value('channel') || undefined,
      priority: value('priority'),
    });
    if (!input.success) {
      const issues = input.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
      result.textContent = `invalid message: ${issues.join('; ')}`;
      return;
    }
    try {
      const pushed = await api.push(input.data);
      result.textContent = `pushed #${pushed.id} to ${pushed.clients} client(s)`;
      (form.elements.namedItem('message') as HTMLTextAreaElement).value = '';
    } catch (error) {
      result.textContent = (error as Error).message;
    }
  });
}
