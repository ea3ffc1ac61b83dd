export type { NodeSseOptions } from './adapters/node.js';
export { handleSseRequest } from './adapters/node.js';
