// Re-entrancy guard shared by the page hooks: while the script handles one call, calls it makes
// itself (a getter that logs, an error in its own code) pass straight through, never captured.

/** Shared hook state. */
export interface Guard {
  /** True while a hook is running. */
  busy: boolean;
  /** Above 0 while the REPL compiles code through a script element (its syntax errors are not page errors). */
  suppressErrors: number;
}

/** Creates the guard. */
export function createGuard(): Guard {
  return { busy: false, suppressErrors: 0 };
}

/** Runs `fn` unless a hook is already running; swallows anything it throws. */
export function guarded(guard: Guard, fn: () => void): void {
  if (guard.busy) return;
  guard.busy = true;
  try {
    fn();
  } catch {
    // The page script never throws into the page.
  } finally {
    guard.busy = false;
  }
}

/** `value` cut to `max` characters. */
export function cap(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}
