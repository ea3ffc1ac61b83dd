import type { ProcessError } from '@ws/events';

/** Default number of detected errors remembered. */
export const DEFAULT_ERROR_CAPACITY = 500;

/** The detected errors of all processes, oldest first, the oldest dropped past the capacity. */
export interface ErrorLog {
  add(error: ProcessError): void;
  /** The newest `limit` (default 50) errors, of one process or of all, oldest first. */
  list(options?: { processId?: string | undefined; limit?: number | undefined }): ProcessError[];
}

export function createErrorLog(capacity = DEFAULT_ERROR_CAPACITY): ErrorLog {
  const errors: ProcessError[] = [];
  return {
    add(error) {
      errors.push(error);
      if (errors.length > capacity) errors.shift();
    },
    list({ processId, limit = 50 } = {}) {
      const matching = processId === undefined ? errors : errors.filter((e) => e.processId === processId);
      return matching.slice(-limit);
    },
  };
}
