// Where a view's failure is said: always in the view's own note; also in the page's notice when the
// server refused (not a 404: dev processes off or a server without these routes is a state of the
// view) or could not be reached. A mistake in the view's own inputs stays in its note.
import { ApiError } from './api.js';
import { byId } from './dom.js';

export interface Reporter {
  fail(where: string, error: unknown): void;
  /** The view's data loaded: its note goes. */
  ok(): void;
}

export function panelReporter(noteId: string, report: (text: string) => void): Reporter {
  return {
    fail(where, error) {
      const message = error instanceof Error ? error.message : String(error);
      byId(noteId).textContent = `${where}: ${message}`;
      const global = error instanceof ApiError ? error.status !== 404 : error instanceof TypeError;
      if (global) report(`${where}: ${message}`);
    },
    ok() {
      byId(noteId).textContent = '';
    },
  };
}
