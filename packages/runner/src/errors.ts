/** Machine-readable reason of a {@link RunnerError}. */
export type RunnerErrorCode = 'unknown_script' | 'unknown_process' | 'spawn_failed' | 'invalid_argument';

/** The one error class of `@ws/runner`. `message` says what to fix. */
export class RunnerError extends Error {
  override readonly name = 'RunnerError';
  readonly code: RunnerErrorCode;

  constructor(code: RunnerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
