// The shared test utilities under the names these tests use: the shared Redis, and a private
// redis-server on a free port for the fault tests that stop and restart Redis.
export {
  freePort,
  type PrivateRedis,
  startPrivateRedis as privateRedis,
  TEST_REDIS_URL as SHARED_REDIS_URL,
} from '@ws/testing';
