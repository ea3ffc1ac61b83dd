// The REPL box: JavaScript run in one page session (chosen, or the server's default: the most recent
// visible one, named in the answer); the value or the error with its stack, as text.
import { browserApi } from '../browserApi.js';
import type { PageSession, ReplAnswer } from '../browserTypes.js';
import { byId, el } from '../dom.js';
import { defaultSession } from './sessionsList.js';

const label = (s: PageSession) => `${s.title || s.url} · ${s.id.slice(0, 8)}`;

/** The value as the answer gives it: strings quoted, objects as indented JSON. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

function answerNodes(a: ReplAnswer, sessions: PageSession[]): HTMLElement[] {
  const session = sessions.find((s) => s.id === a.sessionId);
  const chosen = a.chosen === 'given' ? '' : ` (${a.chosen.replaceAll('-', ' ')})`;
  const where = `in ${session ? label(session) : a.title || a.sessionId}${chosen}`;
  const head = el('div', { class: 'repl-where', text: where });
  if (a.ok) return [head, el('pre', { class: 'repl-value', text: showValue(a.value) })];
  const error = a.error;
  return [
    head,
    el('pre', { class: 'repl-error', text: error ? `${error.name}: ${error.message}` : 'the page did not answer' }),
    ...(error?.stack ? [el('pre', { class: 'repl-stack', text: error.stack })] : []),
  ];
}

export class ReplBox {
  #sessions: PageSession[] = [];
  #signature = '';

  constructor() {
    byId('repl').addEventListener('submit', (e) => {
      e.preventDefault();
      void this.run();
    });
    byId('repl-code').addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        void this.run();
      }
    });
  }

  /** The sessions to choose from (open ones); keeps the current choice when it is still there. */
  setSessions(sessions: PageSession[]): void {
    this.#sessions = sessions;
    const select = byId<HTMLSelectElement>('repl-session');
    const chosen = select.value;
    const open = sessions.filter((s) => s.state !== 'closed');
    const fallback = defaultSession(sessions);
    // Rebuilt only when the choices change: the 5-second refresh must not close an open list.
    const signature = [fallback, ...open].map((s) => (s ? `${s.id}:${s.title}:${s.url}` : '')).join();
    if (signature === this.#signature) return;
    this.#signature = signature;
    select.replaceChildren(
      el('option', {
        text: fallback ? `most recent visible: ${label(fallback)}` : 'most recent visible (no page yet)',
        attrs: { value: '' },
      }),
      ...open.map((s) => el('option', { text: label(s), attrs: { value: s.id } })),
    );
    select.value = open.some((s) => s.id === chosen) ? chosen : '';
  }

  async run(): Promise<void> {
    const code = byId<HTMLTextAreaElement>('repl-code').value;
    const out = byId('repl-result');
    if (!code.trim()) {
      out.replaceChildren(el('span', { class: 'muted', text: 'type an expression first' }));
      return;
    }
    const sessionId = byId<HTMLSelectElement>('repl-session').value || undefined;
    out.dataset.state = 'running';
    out.replaceChildren(el('span', { class: 'muted', text: 'running…' }));
    try {
      const answer = await browserApi.repl(code, sessionId);
      out.dataset.state = answer.ok ? 'ok' : 'error';
      out.replaceChildren(...answerNodes(answer, this.#sessions));
    } catch (error) {
      out.dataset.state = 'error';
      out.replaceChildren(el('pre', { class: 'repl-error', text: (error as Error).message }));
    }
  }
}
