/**
 * Node entry of `faultline/redis`: share retry budgets, breakers and pacing windows across
 * the processes of a fleet through Redis.
 * @module
 */
export { createRedisStore, type RedisStore, type RedisStoreEvent, type RedisStoreOptions } from "../redis.js";
