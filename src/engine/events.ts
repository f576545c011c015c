/**
 * In-process event bus between the engine and its listeners (provider adapters turn events into their
 * webhooks; the control API streams them to the dev inbox). Listeners run synchronously in order, and a
 * throwing listener is reported, never allowed to break the state change that emitted the event.
 */
import type { SimMessage, MessageState } from './message.js';
import type { WebhookDelivery } from './webhooks.js';

export interface SimEventMap {
  'message.created': { message: SimMessage };
  'message.status': { message: SimMessage; from: MessageState; to: MessageState; forced: boolean };
  'record.created': { namespace: string; tenant: string; kind: string; record: unknown };
  'record.updated': { namespace: string; tenant: string; kind: string; record: unknown };
  'webhook.gone': { delivery: WebhookDelivery };
  /** After every webhook attempt (and when a delivery is created). */
  'webhook.delivery': { delivery: WebhookDelivery };
  clock: { mode: string; now: string; advancedBy?: number };
  reset: { namespace?: string; tenant?: string };
}

export type SimEventName = keyof SimEventMap;
type Listener<K extends SimEventName> = (event: SimEventMap[K]) => void;

export class EventBus {
  private readonly listeners = new Map<SimEventName, Set<Listener<SimEventName>>>();

  constructor(private readonly onError: (error: unknown, event: SimEventName) => void = () => undefined) {}

  on<K extends SimEventName>(name: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as Listener<SimEventName>);
    return () => set.delete(listener as Listener<SimEventName>);
  }

  emit<K extends SimEventName>(name: K, event: SimEventMap[K]): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const listener of set) {
      try {
        listener(event);
      } catch (error) {
        this.onError(error, name);
      }
    }
  }
}
