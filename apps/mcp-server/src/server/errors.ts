/** Machine-readable reason of a {@link WebstreamError}. */
export type WebstreamErrorCode = 'invalid_config' | 'port_in_use' | 'listen_failed';

/** The one error class of the server. `message` says what to fix. */
export class WebstreamError extends Error {
  override readonly name = 'WebstreamError';
  readonly code: WebstreamErrorCode;

  constructor(code: WebstreamErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
