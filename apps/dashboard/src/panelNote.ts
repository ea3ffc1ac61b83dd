// Where a view's failed API call is said: a 404 (dev processes off, or a server without these
// routes) in the view's own note, as a state of the view; anything else in the page's notice too.
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
      if (!(error instanceof ApiError && error.status === 404)) report(`${where}: ${message}`);
    },
    ok() {
      byId(noteId).textContent = '';
    },
  };
}
