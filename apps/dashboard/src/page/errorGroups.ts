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
  #signature = '';

  constructor(list: HTMLElement) {
    this.#list = list;
  }

  setLinks(links: LinkContext): void {
    this.#links = links;
    this.render();
  }

  reset(groups: PageErrorGroup[]): void {
    // The 5-second refresh redraws only when something changed.
    const signature = groups.map((g) => `${g.id}:${g.count}:${g.lastSeen}`).join();
    if (signature === this.#signature) return;
    this.#signature = signature;
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
    // A stack someone opened stays open across redraws.
    const open = new Set(
      [...this.#list.querySelectorAll<HTMLElement>('li[data-id]:has(> details[open])')].map((li) => li.dataset.id),
    );
    this.#list.replaceChildren(...groups.map((g) => this.#item(g)));
    for (const details of this.#list.querySelectorAll<HTMLElement>('li[data-id] > details'))
      if (open.has((details.parentElement as HTMLElement).dataset.id)) details.setAttribute('open', '');
    if (groups.length === 0) this.#list.append(el('li', { class: 'muted', text: 'no page errors' }));
  }

  /** `file:line:column`, a link to the editor when the file resolves to a path on this machine. */
  #location(file: string, line: number | null, column: number | null, stack: string): HTMLElement | string {
    const text = `${file}:${line ?? '?'}:${column ?? '?'}`;
    const path = resolveErrorFile(file, { projectDir: this.#links.projectDir, stack, line });
    const href = path === undefined ? undefined : editorHref(this.#links.template, path, line, column);
    return href === undefined
      ? text
      : el('a', { class: 'editor-link', text, attrs: { href, title: `open ${path} in your editor` } });
  }

  #where(g: PageErrorGroup): HTMLElement {
    const where = el('div', { class: 'where' });
    where.append(g.file ? this.#location(g.file, g.line ?? null, g.column ?? null, g.stack) : 'location unknown');
    return where;
  }

  /** The mapped frames, each `function file:line:column` (mapped ones linked); the stack text when there are none. */
  #stack(g: PageErrorGroup): HTMLElement {
    if (g.frames.length === 0) return el('pre', { text: g.stack });
    const frames = g.frames.map((f) =>
      el(
        'li',
        { class: f.mapped ? 'frame mapped' : 'frame' },
        f.function ? `${f.function} ` : '',
        f.mapped
          ? this.#location(f.file, f.line, f.column, g.stack)
          : `${f.raw.url}:${f.raw.line ?? '?'}:${f.raw.column ?? '?'}`,
      ),
    );
    return el('ol', { class: 'frames' }, ...frames);
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
      el('details', {}, el('summary', { text: `stack (${g.mapping})` }), this.#stack(g)),
    );
  }
}
