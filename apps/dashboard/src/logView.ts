// A virtualized log view: only the visible lines are in the DOM; it follows the tail unless scrolled up.
import type { LogEntry } from '@ws/events';
import { appendAnsi } from './ansi.js';
import { el } from './dom.js';

export const LINE_HEIGHT = 18;
/** Lines kept for the selected process. */
export const MAX_LINES = 5000;

export class LogView {
  readonly #scroller: HTMLElement;
  readonly #spacer: HTMLElement;
  readonly #rows: HTMLElement;
  #lines: LogEntry[] = [];
  #follow = true;
  #frame = 0;

  constructor(scroller: HTMLElement) {
    this.#scroller = scroller;
    this.#spacer = el('div', { class: 'spacer' });
    this.#rows = el('div', { class: 'rows' });
    this.#spacer.append(this.#rows);
    scroller.replaceChildren(this.#spacer);
    scroller.addEventListener('scroll', () => {
      this.#follow = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - LINE_HEIGHT * 2;
      this.#schedule();
    });
  }

  reset(lines: LogEntry[]): void {
    this.#lines = lines.slice(-MAX_LINES);
    this.#follow = true;
    this.#schedule();
  }

  append(line: LogEntry): void {
    this.#lines.push(line);
    if (this.#lines.length > MAX_LINES) this.#lines.splice(0, this.#lines.length - MAX_LINES);
    this.#schedule();
  }

  get size(): number {
    return this.#lines.length;
  }

  #schedule(): void {
    if (this.#frame === 0) this.#frame = requestAnimationFrame(() => this.#render());
  }

  #render(): void {
    this.#frame = 0;
    const total = this.#lines.length * LINE_HEIGHT;
    this.#spacer.style.height = `${total}px`;
    if (this.#follow) this.#scroller.scrollTop = total;
    const first = Math.max(0, Math.floor(this.#scroller.scrollTop / LINE_HEIGHT) - 10);
    const count = Math.ceil(this.#scroller.clientHeight / LINE_HEIGHT) + 20;
    const rows: HTMLElement[] = [];
    for (let i = first; i < Math.min(this.#lines.length, first + count); i++) {
      const line = this.#lines[i] as LogEntry;
      const row = el('div', { class: line.isError ? 'line error' : 'line', attrs: { 'data-index': String(i) } });
      appendAnsi(row, line.content);
      rows.push(row);
    }
    this.#rows.style.transform = `translateY(${first * LINE_HEIGHT}px)`;
    this.#rows.replaceChildren(...rows);
  }
}
