/**
 * Acknowledge only what is written: with `--data`, an answer leaves once every change made so far is in
 * the operating system (the store's group commit, store-file.ts), so a client never hears "stored"
 * about something a `kill -9` would lose. A write that cannot be saved is answered 503 with Retry-After
 * (the outcome is unknown to the client, as with any 5xx); a request that changed nothing answers as
 * usual, since its answer promises nothing new.
 */
import type { Engine } from '../engine/engine.js';
import { SimError } from '../engine/errors.js';
import { StorageError } from '../engine/storage-error.js';

/** Seconds a client is told to wait after a failed write: the store retries within one. */
export const STORAGE_RETRY_AFTER_SECONDS = 1;

/**
 * Undefined when the answer may go at once (in memory, or everything is written); otherwise a promise
 * of the commit of every change made so far, resolving to undefined, or to the error to answer
 * instead. `changesBefore`: `engine.store.changes` when the request began.
 */
export function acknowledgement(engine: Engine, changesBefore: number): Promise<SimError | undefined> | undefined {
  const commit = engine.store.commit();
  if (!commit) return undefined;
  return commit.then(
    () => undefined,
    (error: unknown) => (engine.store.changes === changesBefore ? undefined : storageUnavailable(error)),
  );
}

export function storageUnavailable(error: unknown): SimError {
  const reason = error instanceof StorageError ? error.reason : 'the write failed';
  return new SimError({
    kind: 'service_unavailable',
    message: `Service temporarily unavailable: the request could not be saved (${reason}); retry in ${STORAGE_RETRY_AFTER_SECONDS}s`,
    retryAfter: STORAGE_RETRY_AFTER_SECONDS,
    headers: { 'Retry-After': String(STORAGE_RETRY_AFTER_SECONDS) },
  });
}
