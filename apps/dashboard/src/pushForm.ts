// The push form: the same POST /api/push as everyone else, with the result (or what to fix) shown under it.
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
    try {
      const message = value('message');
      const pushed = await api.push({
        message: message || undefined,
        data,
        type: value('type'),
        channel: value('channel') || 'default',
        priority: value('priority'),
      });
      result.textContent = `pushed #${pushed.id} to ${pushed.clients} client(s)`;
      (form.elements.namedItem('message') as HTMLTextAreaElement).value = '';
    } catch (error) {
      result.textContent = (error as Error).message;
    }
  });
}
