/** Machine-readable reason of a {@link BridgeError}. */
export type BridgeErrorCode = 'invalid_option' | 'closed' | 'timeout';

/** The one error class of `@ws/bridges`. `code` is stable; `message` says what to fix. */
export class BridgeError extends Error {
  override readonly name = 'BridgeError';
  readonly code: BridgeErrorCode;

  constructor(code: BridgeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
