/**
 * In-process event bus between the engine and its listeners (provider adapters turn events into their
 * webhooks; the control API streams them to the dev inbox). Listeners run synchronously in order, and a
 * throwing listener is reported, never allowed to break the state change that emitted the event.
 *
 * A provider listens to its own namespace only (`forNamespace`): emit finds those listeners with one
 * Map lookup, instead of every provider's listener running to check whose message it is.
 */
import type { SimMessage, MessageState } from './message.js';
import type { JournalRecord } from './request-journal.js';
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
  /** A request to a provider route, answered (or broken off), as the request journal keeps it. */
  request: { record: JournalRecord };
  reset: { namespace?: string; tenant?: string };
}

export type SimEventName = keyof SimEventMap;
type Listener<K extends SimEventName> = (event: SimEventMap[K]) => void;
type AnyListener = Listener<SimEventName>;

/** The namespace each event is about; `clock` and `reset` are about the whole simulation. */
const NAMESPACE_OF = {
  'message.created': (event) => event.message.namespace,
  'message.status': (event) => event.message.namespace,
  'record.created': (event) => event.namespace,
  'record.updated': (event) => event.namespace,
  'webhook.gone': (event) => event.delivery.namespace,
  'webhook.delivery': (event) => event.delivery.namespace,
  request: (event) => event.record.provider,
} satisfies { [K in SimEventName]?: (event: SimEventMap[K]) => string };

export type NamespacedEventName = keyof typeof NAMESPACE_OF;

/** A provider's subscriptions to the events about its namespace. */
export interface NamespaceEvents {
  /** Returns the function that removes this listener. */
  on<K extends NamespacedEventName>(name: K, listener: Listener<K>): () => void;
  /** Removes every listener added through this object. */
  close(): void;
}

export class EventBus {
  private readonly everywhere = new Map<SimEventName, Set<AnyListener>>();
  private readonly byNamespace = new Map<SimEventName, Map<string, Set<AnyListener>>>();

  constructor(private readonly onError: (error: unknown, event: SimEventName) => void = () => undefined) {}

  /** Listens to every event of this name, whatever namespace it is about. */
  on<K extends SimEventName>(name: K, listener: Listener<K>): () => void {
    return addTo(setOf(this.everywhere, name), listener as AnyListener);
  }

  /** How many listen to every event of this name (event-stream clients, waitFor): for diagnostics and tests. */
  listenerCount(name: SimEventName): number {
    return this.everywhere.get(name)?.size ?? 0;
  }

  forNamespace(namespace: string): NamespaceEvents {
    const offs = new Set<() => void>();
    return {
      on: (name, listener) => {
        let scoped = this.byNamespace.get(name);
        if (!scoped) this.byNamespace.set(name, (scoped = new Map<string, Set<AnyListener>>()));
        const remove = addTo(setOf(scoped, namespace), listener as AnyListener);
        const off = () => {
          remove();
          offs.delete(off);
        };
        offs.add(off);
        return off;
      },
      close: () => offs.forEach((off) => off()),
    };
  }

  /**
   * The namespace's own listeners run first, then those listening everywhere (the control API's stream,
   * waitFor): an observer sees what the provider's reaction did, as when providers subscribed first.
   */
  emit<K extends SimEventName>(name: K, event: SimEventMap[K]): void {
    const namespaceOf = (NAMESPACE_OF as Partial<Record<SimEventName, (event: SimEventMap[K]) => string>>)[name];
    if (namespaceOf) this.run(this.byNamespace.get(name)?.get(namespaceOf(event)), name, event);
    this.run(this.everywhere.get(name), name, event);
  }

  private run<K extends SimEventName>(listeners: Set<AnyListener> | undefined, name: K, event: SimEventMap[K]): void {
    if (!listeners) return;
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        this.onError(error, name);
      }
    }
  }
}

function setOf<Key>(map: Map<Key, Set<AnyListener>>, key: Key): Set<AnyListener> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}

function addTo(set: Set<AnyListener>, listener: AnyListener): () => void {
  set.add(listener);
  return () => set.delete(listener);
}
