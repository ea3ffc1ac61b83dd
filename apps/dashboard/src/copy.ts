// Copy to the clipboard with a message saying what happened; where the Clipboard API is missing or
// refused (an insecure origin, a denied permission), the message shows the text selected instead.
import { el } from './dom.js';

/** How long the message stays, in milliseconds. */
export const TOAST_MS = 4000;

/** A short form of a long id for display: the last 8 characters after an ellipsis (ids up to 10 stay whole). */
export function shortId(id: string): string {
  return id.length <= 10 ? id : `…${id.slice(-8)}`;
}

let hideTimer = 0;

function show(toast: HTMLElement, ms: number, ...content: (Node | string)[]): void {
  clearTimeout(hideTimer);
  // The live region stays in the page (empty when idle) so screen readers announce each change.
  toast.replaceChildren(...content);
  hideTimer = window.setTimeout(() => toast.replaceChildren(), ms);
}

/** Copies `text` and reports it in `toast` (an `aria-live` region); `what` names it ("event id"). */
export async function copyWithFeedback(toast: HTMLElement, text: string, what: string): Promise<boolean> {
  try {
    if (!navigator.clipboard) throw new Error('no Clipboard API here');
    await navigator.clipboard.writeText(text);
    show(toast, TOAST_MS, `copied ${what} `, el('code', { text }));
    return true;
  } catch {
    const code = el('code', { text });
    show(toast, TOAST_MS * 3, `could not copy the ${what}; it is selected, press Ctrl+C (⌘C): `, code);
    const range = document.createRange();
    range.selectNodeContents(code);
    const selection = getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
    return false;
  }
}
