// Page sessions seen through the proxy: URL, title, visible/focused, last seen; newest activity first.
import type { PageSession } from '../browserTypes.js';
import { el } from '../dom.js';
import { formatAgo } from '../format.js';

/** Sessions kept (the least recently seen dropped first). */
export const MAX_SESSIONS = 200;

export const byRecent = (a: PageSession, b: PageSession) => Date.parse(b.lastSeenAt) - Date.parse(a.lastSeenAt);

/** The session a REPL call without a session goes to: the most recently seen open visible one, else the most recent open one. */
export function defaultSession(sessions: PageSession[]): PageSession | undefined {
  const open = sessions.filter((s) => s.state !== 'closed').sort(byRecent);
  return open.find((s) => s.visibility === 'visible') ?? open[0];
}

export class SessionsList {
  readonly #list: HTMLElement;
  readonly #sessions = new Map<string, PageSession>();
  onChange?: (sessions: PageSession[]) => void;

  constructor(list: HTMLElement) {
    this.#list = list;
  }

  reset(sessions: PageSession[]): void {
    this.#sessions.clear();
    for (const s of sessions) this.#sessions.set(s.id, s);
    this.render();
  }

  upsert(session: PageSession): void {
    this.#sessions.set(session.id, session);
    if (this.#sessions.size > MAX_SESSIONS) {
      const oldest = this.all().at(-1);
      if (oldest) this.#sessions.delete(oldest.id);
    }
    this.render();
  }

  all(): PageSession[] {
    return [...this.#sessions.values()].sort(byRecent);
  }

  /** Redraws (also to refresh the "last seen" ages). */
  render(): void {
    const sessions = this.all();
    this.#list.replaceChildren(...sessions.map(item));
    if (sessions.length === 0)
      this.#list.append(el('li', { class: 'muted', text: 'no page yet: open a proxy URL in a browser' }));
    this.onChange?.(sessions);
  }
}

function item(s: PageSession): HTMLElement {
  const closed = s.state === 'closed';
  const state = closed ? 'closed' : `${s.visibility}${s.focused ? ', focused' : ''}`;
  return el(
    'li',
    { class: `session ${closed ? 'closed' : s.visibility}`, attrs: { 'data-id': s.id } },
    el('div', { class: 'title', text: s.title || '(no title)' }),
    el('div', { class: 'url', text: s.url }),
    el(
      'div',
      { class: 'meta' },
      el('span', { class: 'state', text: state }),
      ` · last seen ${formatAgo(s.lastSeenAt)} · `,
      el('code', { text: s.id.slice(0, 8), attrs: { title: s.id } }),
      s.processId ? ` · ${s.processId}` : '',
    ),
    ...(closed
      ? []
      : [
          el('button', {
            class: 'reload',
            text: 'Reload',
            attrs: { type: 'button', 'data-reload': s.id, title: `reload ${s.url} in its tab` },
          }),
        ]),
  );
}
