export { DEFAULT_MAX_BODY_BYTES } from './bodyCapture.js';
export type { CspAugmentOptions, CspAugmentResult } from './csp.js';
export { addNonceToCsp } from './csp.js';
export type { DevProxy, DevProxyOptions, ReservedPath } from './devProxy.js';
export { createDevProxy, DEFAULT_TIMEOUT_MS } from './devProxy.js';
export type { ProxyErrorCode } from './errors.js';
export { ProxyError } from './errors.js';
export type { HtmlInjection, InsertionPoint } from './htmlInject.js';
export { injectIntoHtml } from './htmlInject.js';
export type { InjectContext, InjectOptions } from './pageInjector.js';
export { DEFAULT_MAX_INJECT_BYTES } from './pageInjector.js';
export { DEFAULT_REDACTED_HEADERS, REDACTED, redactUrl } from './redact.js';
export type { RequestFilter, StatusClass } from './requestFilter.js';
export { STATUS_CLASSES, statusClassOf } from './requestFilter.js';
export type {
  InjectionOutcome,
  NewRequestRecord,
  ProxyFailure,
  ProxyFailureKind,
  ProxyRequestRecord,
  RecordedBody,
  RecordedHeaders,
} from './requestRecord.js';
export { estimateRecordBytes, RECORD_OVERHEAD_BYTES } from './requestRecord.js';
export type { RequestStore, RequestStoreChange, RequestStoreOptions, RequestStoreStats } from './requestStore.js';
export { createRequestStore, DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES } from './requestStore.js';
