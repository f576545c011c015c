/**
 * Waiting on the simulation instead of sleeping: resolves when an engine event matches (or the state
 * already does), rejects after a wall-time timeout. Used by library mode and consumer test suites.
 */
import type { Engine } from './engine/engine.js';
import { MESSAGES } from './engine/engine.js';
import type { SimEventMap, SimEventName } from './engine/events.js';
import type { MessageState, SimMessage } from './engine/message.js';

export interface WaitOptions {
  /** Wall-time limit in ms (default 5000). */
  timeoutMs?: number;
}

export function waitForEvent<K extends SimEventName>(
  engine: Engine,
  name: K,
  predicate: (event: SimEventMap[K]) => boolean = () => true,
  options: WaitOptions = {},
): Promise<SimEventMap[K]> {
  return new Promise((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 5_000;
    const off = engine.events.on(name, (event) => {
      if (!predicate(event)) return;
      off();
      cancel();
      resolve(event);
    });
    const cancel = engine.clock.realTimeout(timeoutMs, () => {
      off();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${name}`));
    });
  });
}

/** Resolves with the message once it is in `status` (at once if it already is). */
export async function waitForMessage(engine: Engine, provider: string, id: string, status: MessageState, options: WaitOptions = {}): Promise<SimMessage> {
  for (const ref of engine.store.collections<SimMessage>(MESSAGES, provider)) {
    const message = ref.collection.get(id);
    if (message?.status === status) return message;
  }
  const event = await waitForEvent(engine, 'message.status', (e) => e.message.namespace === provider && e.message.id === id && e.to === status, options);
  return event.message;
}
