import Redis from 'ioredis';

/**
 * The process's Redis connection when REDIS_URL is set (jobs, later), or null in embedded mode.
 * Commands fail fast while Redis is down instead of queueing, so readiness reports it at once.
 */
export function connectRedis(url: string | undefined, onError: (error: Error) => void): Redis | null {
  if (!url) return null;
  const redis = new Redis(url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  redis.on('error', onError);
  return redis;
}

export type { Redis };
