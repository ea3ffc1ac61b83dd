// Page errors, one entry per distinct error: count, first and last seen, mapped `file:line:column`
// (a link to the editor like the process errors), and the mapped stack.
import type { PageErrorGroup } from '../browserTypes.js';
import { el } from '../dom.js';
import { editorHref, resolveErrorFile } from '../editorLinks.js';
import { formatAgo, formatClock } from '../format.js';

/** Groups kept (the least recently seen dropped first). */
export const MAX_ERROR_GROUPS = 200;

export interface LinkContext {
  template: string;
  projectDir: string | undefined;
}

export class ErrorGroups {
  readonly #list: HTMLElement;
  readonly #groups = new Map<string, PageErrorGroup>();
  #links: LinkContext = { template: '', projectDir: undefined };

  constructor(list: HTMLElement) {
    this.#list = list;
  }

  setLinks(links: LinkContext): void {
    this.#links = links;
    this.render();
  }

  reset(groups: PageErrorGroup[]): void {
    this.#groups.clear();
    for (const g of groups) this.#groups.set(g.id, g);
    this.render();
  }

  upsert(group: PageErrorGroup): void {
    this.#groups.set(group.id, group);
    const all = this.all();
    if (all.length > MAX_ERROR_GROUPS) this.#groups.delete((all.at(-1) as PageErrorGroup).id);
    this.render();
  }

  all(): PageErrorGroup[] {
    return [...this.#groups.values()].sort((a, b) => Date.parse(b.lastSeen) - Date.parse(a.lastSeen));
  }

  render(): void {
    const groups = this.all();
    this.#list.replaceChildren(...groups.map((g) => this.#item(g)));
    if (groups.length === 0) this.#list.append(el('li', { class: 'muted', text: 'no page errors' }));
  }

  #where(g: PageErrorGroup): HTMLElement {
    const where = el('div', { class: 'where' });
    if (!g.file) {
      where.textContent = 'location unknown';
      return where;
    }
    const text = `${g.file}:${g.line ?? '?'}:${g.column ?? '?'}`;
    const path = resolveErrorFile(g.file, { projectDir: this.#links.projectDir, stack: g.stack, line: g.line });
    const href =
      path === undefined ? undefined : editorHref(this.#links.template, path, g.line ?? null, g.column ?? null);
    where.append(
      href === undefined
        ? text
        : el('a', { class: 'editor-link', text, attrs: { href, title: `open ${path} in your editor` } }),
    );
    return where;
  }

  #item(g: PageErrorGroup): HTMLElement {
    const times = g.count === 1 ? 'once' : `${g.count}×`;
    return el(
      'li',
      { class: 'detected-error page-error', attrs: { 'data-id': g.id } },
      el(
        'div',
        { class: 'error-head' },
        this.#where(g),
        el('span', { class: 'count', text: times, attrs: { title: `${g.count} occurrence(s)` } }),
      ),
      el('div', { class: 'what', text: `${g.name}: ${g.message}` }),
      el('div', {
        class: 'meta',
        text: `${g.kind === 'rejection' ? 'unhandled rejection · ' : ''}first ${formatClock(g.firstSeen)} · last ${formatAgo(g.lastSeen)} · ${g.sessions.length} page session(s) · ${g.url}`,
      }),
      ...(g.stack ? [el('details', {}, el('summary', { text: 'stack' }), el('pre', { text: g.stack }))] : []),
    );
  }
}
