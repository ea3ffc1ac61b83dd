// The Page view: page sessions, grouped page errors, console lines and the REPL box; live from the
// stream's `browser` channel, loaded from the telemetry API.
import { browserApi } from '../browserApi.js';
import { ConsoleEntrySchema, PageErrorGroupSchema, PageSessionSchema } from '../browserTypes.js';
import { byId } from '../dom.js';
import type { Reporter } from '../panelNote.js';
import { ConsoleList, MAX_CONSOLE_LINES } from './consoleList.js';
import { ErrorGroups, type LinkContext } from './errorGroups.js';
import { ReplBox } from './replBox.js';
import { SessionsList } from './sessionsList.js';

export class PageView {
  readonly sessions = new SessionsList(byId('page-sessions'));
  readonly errors = new ErrorGroups(byId('page-errors'));
  readonly console = new ConsoleList(byId('page-console'));
  readonly repl = new ReplBox();
  readonly #report: Reporter;
  #reloadTimer = 0;

  constructor(report: Reporter, links: LinkContext) {
    this.#report = report;
    this.errors.setLinks(links);
    this.sessions.onChange = (sessions) => this.repl.setSessions(sessions);
    for (const box of document.querySelectorAll<HTMLInputElement>('input[name="console-level"]')) {
      box.addEventListener('change', () => {
        if (box.checked) this.console.levels.add(box.value);
        else this.console.levels.delete(box.value);
        this.console.refilter();
      });
    }
    // "last seen 12 s ago" stays true.
    setInterval(() => this.sessions.render(), 5000);
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

  setLinks(links: LinkContext): void {
    this.errors.setLinks(links);
  }

  /**
   * A `browser` channel message's data: an error group, a console entry or a session, told apart by
   * their schemas (disjoint shapes), so the view does not depend on how the message is labelled.
   */
  onEvent(data: unknown): void {
    const group = PageErrorGroupSchema.safeParse(data);
    if (group.success) {
      this.errors.upsert(group.data);
      return;
    }
    const line = ConsoleEntrySchema.safeParse(data);
    if (line.success) {
      this.console.add(line.data);
      return;
    }
    const session = PageSessionSchema.safeParse(data);
    if (session.success) {
      this.sessions.upsert(session.data);
      return;
    }
    // A shape this page does not know (an older or newer server): read the lists again, once a second at most.
    if (this.#reloadTimer === 0)
      this.#reloadTimer = window.setTimeout(() => {
        this.#reloadTimer = 0;
        void this.load();
      }, 1000);
  }
}
