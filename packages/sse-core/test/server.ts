// The shared test utilities under the names these tests use.
export { listenLocal as listen, until } from '@ws/testing';
