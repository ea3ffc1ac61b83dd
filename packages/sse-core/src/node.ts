export { handleSseRequest } from './adapters/node.js';
export type { NodeSseOptions } from './adapters/node.js';
