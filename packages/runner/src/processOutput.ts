import { ErrorDetector, type StructuredError } from './errorDetector.js';
import type { OutputStream } from './launcher.js';
import { plainText } from './logFilter.js';
import { LOG_LEVEL_RANK, levelOf } from './logLevel.js';
import type { StoredLog } from './logStore.js';
import { detectUrls } from './urlDetector.js';

/** Idle time after which a multi-line error being collected is reported. */
const ERROR_IDLE_FLUSH_MS = 50;
/** URLs remembered per process. */
const MAX_URLS = 20;
/** A stderr line with one of these words is an error line even outside a detected error. */
const ERRORISH = /\b(?:error|exception|fatal|failed|uncaught)\b/i;

/** Whose output it is, and where each finding goes. */
export interface ProcessOutputOptions {
  processId: string;
  processName: string;
  /** The project folder: detected error locations are made relative to it. */
  cwd: string;
  /** The next log line id (unique across processes). */
  nextLogId(): string;
  /** The URLs the process printed so far (appended to, at most 20). */
  urls: string[];
  log(line: StoredLog): void;
  error(error: StructuredError): void;
  url(url: string): void;
}

/** The analysis of one process's output, line by line. */
export interface ProcessOutput {
  line(stream: OutputStream, content: string): void;
  /** Reports an error still being collected (at exit). */
  flush(): void;
}

/**
 * Turns a process's lines into stored log lines with a level, detected errors (a line that is part
 * of one is an error line) and URLs. A multi-line error is reported after {@link ERROR_IDLE_FLUSH_MS}
 * of quiet, or at the next unrelated line, or on `flush()`.
 */
export function createProcessOutput(options: ProcessOutputOptions): ProcessOutput {
  let found = 0;
  const detector = new ErrorDetector(
    (error) => {
      found++;
      options.error(error);
    },
    { cwd: options.cwd },
  );
  let idle: ReturnType<typeof setTimeout> | undefined;
  const isErrorLine = (stream: OutputStream, plain: string) => {
    const wasPending = detector.pending;
    const before = found;
    detector.push(plain);
    return found > before || detector.pending || wasPending || (stream === 'stderr' && ERRORISH.test(plain));
  };
  const rememberUrls = (plain: string) => {
    for (const url of detectUrls(plain)) {
      if (options.urls.includes(url) || options.urls.length >= MAX_URLS) continue;
      options.urls.push(url);
      options.url(url);
    }
  };
  return {
    line(stream, content) {
      const plain = plainText(content);
      const time = Date.now();
      const isError = isErrorLine(stream, plain);
      const level = levelOf(plain, isError);
      options.log({
        id: options.nextLogId(),
        processId: options.processId,
        processName: options.processName,
        content,
        timestamp: new Date(time).toISOString(),
        isError,
        tags: stream === 'stderr' ? ['stderr'] : [],
        priority: LOG_LEVEL_RANK[level],
        plain,
        level,
        time,
      });
      rememberUrls(plain);
      if (idle) clearTimeout(idle);
      if (detector.pending) {
        idle = setTimeout(() => detector.flush(), ERROR_IDLE_FLUSH_MS);
        idle.unref();
      }
    },
    flush() {
      if (idle) clearTimeout(idle);
      detector.flush();
    },
  };
}
