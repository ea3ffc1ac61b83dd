/** Machine-readable reason of an {@link SseError}. */
export type SseErrorCode =
  | 'invalid_field'
  | 'invalid_option'
  | 'too_many_connections'
  | 'closed'
  | 'backend_unavailable';

/** The one error class of `@ws/sse-core`. `code` is stable; `message` says what to fix. */
export class SseError extends Error {
  override readonly name = 'SseError';
  readonly code: SseErrorCode;

  constructor(code: SseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
