// The pages' console lines, newest first, with a level filter; text only (never HTML).
import type { ConsoleEntry } from '../browserTypes.js';
import { el } from '../dom.js';
import { formatClock } from '../format.js';

/** Console lines kept (the oldest dropped first). */
export const MAX_CONSOLE_LINES = 1000;
/** Lines in the DOM at once (the newest matching). */
export const MAX_CONSOLE_ROWS = 300;

export class ConsoleList {
  readonly #list: HTMLElement;
  #entries: ConsoleEntry[] = [];
  readonly #ids = new Set<number>();
  /** Levels shown. */
  readonly levels = new Set<string>(['debug', 'log', 'info', 'warn', 'error', 'trace']);
  #frame = 0;

  constructor(list: HTMLElement) {
    this.#list = list;
  }

  /** Entries from the API (newest first). */
  reset(entries: ConsoleEntry[]): void {
    this.#entries = [...entries].reverse().slice(-MAX_CONSOLE_LINES);
    this.#ids.clear();
    for (const e of this.#entries) this.#ids.add(e.id);
    this.#schedule();
  }

  add(entry: ConsoleEntry): void {
    this.merge([entry]);
  }

  /** Adds the entries not held yet, in id order (a catch-up read may bring older ones); the oldest go past the bound. Returns how many were new. */
  merge(entries: ConsoleEntry[]): number {
    let outOfOrder = false;
    let added = 0;
    for (const entry of entries) {
      if (this.#ids.has(entry.id)) continue;
      added++;
      this.#ids.add(entry.id);
      outOfOrder ||= entry.id < (this.#entries.at(-1)?.id ?? 0);
      this.#entries.push(entry);
    }
    if (outOfOrder) this.#entries.sort((a, b) => a.id - b.id);
    while (this.#entries.length > MAX_CONSOLE_LINES) this.#ids.delete((this.#entries.shift() as ConsoleEntry).id);
    this.#schedule();
    return added;
  }

  /** The newest entry's time (ISO), if any. */
  get newest(): string | undefined {
    return this.#entries.at(-1)?.timestamp;
  }

  get size(): number {
    return this.#entries.length;
  }

  refilter(): void {
    this.#schedule();
  }

  #schedule(): void {
    if (this.#frame === 0) this.#frame = requestAnimationFrame(() => this.#render());
  }

  #render(): void {
    this.#frame = 0;
    const rows: HTMLElement[] = [];
    for (let i = this.#entries.length - 1; i >= 0 && rows.length < MAX_CONSOLE_ROWS; i--) {
      const e = this.#entries[i] as ConsoleEntry;
      if (this.levels.has(e.level)) rows.push(row(e));
    }
    this.#list.replaceChildren(...rows);
    if (rows.length === 0)
      this.#list.append(
        el('li', { class: 'muted', text: this.#entries.length ? 'no line at these levels' : 'no console lines' }),
      );
  }
}

function row(e: ConsoleEntry): HTMLElement {
  return el(
    'li',
    { class: `console-line level-${e.level}`, attrs: { 'data-level': e.level, 'data-id': String(e.id) } },
    el('span', { class: 'time', text: formatClock(e.timestamp) }),
    el('span', { class: 'level', text: e.level }),
    el('span', { class: 'text', text: e.text, attrs: { title: e.url } }),
    ...(e.count > 1 ? [el('span', { class: 'count', text: `×${e.count}` })] : []),
  );
}
