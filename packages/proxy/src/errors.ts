/** Machine-readable reason of a {@link ProxyError}. */
export type ProxyErrorCode = 'invalid_option' | 'invalid_target' | 'listen_failed';

/** The one error class of `@ws/proxy`, thrown for bad options and a port that cannot be bound. `message` says what to fix. */
export class ProxyError extends Error {
  override readonly name = 'ProxyError';
  readonly code: ProxyErrorCode;

  constructor(code: ProxyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
