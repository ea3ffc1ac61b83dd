// The Page view: page sessions, grouped page errors, console lines and the REPL box; live from the
// stream's `browser` channel, loaded from the telemetry API.
import { browserApi } from '../browserApi.js';
import type { ConsoleEntry } from '../browserTypes.js';
import { byId } from '../dom.js';
import type { Reporter } from '../panelNote.js';
import { ConsoleList, MAX_CONSOLE_LINES } from './consoleList.js';
import { ErrorGroups, type LinkContext } from './errorGroups.js';
import { ReplBox } from './replBox.js';
import { SessionsList } from './sessionsList.js';

/** How often, while console lines arrive, the recent ones are re-read from the server. */
export const CONSOLE_CATCH_UP_MS = 3000;

export class PageView {
  readonly sessions = new SessionsList(byId('page-sessions'));
  readonly errors = new ErrorGroups(byId('page-errors'));
  readonly console = new ConsoleList(byId('page-console'));
  readonly repl = new ReplBox();
  readonly #report: Reporter;
  #catchUpTimer = 0;

  constructor(report: Reporter, links: LinkContext) {
    this.#report = report;
    this.errors.setLinks(links);
    this.sessions.onChange = (sessions) => this.repl.setSessions(sessions);
    byId('page-sessions').addEventListener('click', (e) => {
      const id = (e.target as HTMLElement).closest<HTMLElement>('button[data-reload]')?.dataset.reload;
      if (id) void this.#reload(id);
    });
    for (const box of document.querySelectorAll<HTMLInputElement>('input[name="console-level"]')) {
      box.addEventListener('change', () => {
        if (box.checked) this.console.levels.add(box.value);
        else this.console.levels.delete(box.value);
        this.console.refilter();
      });
    }
    // The stream says when a session starts or ends and when an error is new (then at most every 5 s
    // while it repeats); visibility, focus, "last seen" and the latest counts are read every 5 s.
    setInterval(() => void this.#refresh(), 5000);
  }

  async load(): Promise<void> {
    try {
      const [{ sessions }, { errors }, { entries }] = await Promise.all([
        browserApi.sessions(),
        browserApi.errors(),
        browserApi.console({ limit: MAX_CONSOLE_LINES }),
      ]);
      this.sessions.reset(sessions);
      this.errors.reset(errors);
      this.console.reset(entries);
      this.#report.ok();
    } catch (error) {
      this.#report.fail('page telemetry', error);
    }
  }

  async #refresh(): Promise<void> {
    try {
      const [{ sessions }, { errors }] = await Promise.all([browserApi.sessions(), browserApi.errors()]);
      this.sessions.reset(sessions);
      this.errors.reset(errors);
    } catch {
      // The next tick retries; a load() failure already said why.
    }
  }

  async #reload(id: string): Promise<void> {
    try {
      const answer = await browserApi.reload(id);
      if (!answer.ok) throw new Error(answer.error?.message ?? 'the page did not reload');
      this.#report.ok();
    } catch (error) {
      this.#report.fail('reload', error);
    }
  }

  /**
   * A console line from the stream. `/stream` carries at most 50 console lines a second, so while lines
   * arrive the recent ones are re-read from the server every 3 s.
   */
  onConsole(entry: ConsoleEntry): void {
    this.console.add(entry);
    this.#scheduleCatchUp();
  }

  #scheduleCatchUp(): void {
    if (this.#catchUpTimer !== 0) return;
    this.#catchUpTimer = window.setTimeout(() => {
      this.#catchUpTimer = 0;
      void this.#catchUp();
    }, CONSOLE_CATCH_UP_MS);
  }

  async #catchUp(): Promise<void> {
    const newest = this.console.newest;
    const since = newest === undefined ? undefined : Date.parse(newest) - 30_000;
    try {
      const { entries } = await browserApi.console({ since, limit: MAX_CONSOLE_LINES });
      // Lines the stream had skipped: more may have been skipped since this read.
      if (this.console.merge(entries) > 0) this.#scheduleCatchUp();
    } catch {
      // The next line retries.
    }
  }

  setLinks(links: LinkContext): void {
    this.errors.setLinks(links);
  }
}
