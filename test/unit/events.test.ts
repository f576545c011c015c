import { describe, expect, it } from 'vitest';
import { EventBus, type SimEventMap } from '../../src/engine/events.js';
import type { SimMessage } from '../../src/engine/message.js';
import type { WebhookDelivery } from '../../src/engine/webhooks.js';

const message = (namespace: string, id = 'm1') => ({ namespace, id }) as SimMessage;
const status = (namespace: string, id = 'm1'): SimEventMap['message.status'] => ({
  message: message(namespace, id),
  from: 'queued',
  to: 'sent',
  forced: false,
});
const delivery = (namespace: string) => ({ namespace, tenant: 't' }) as WebhookDelivery;

describe('EventBus: a provider listens to its own namespace', () => {
  it.each([
    { name: 'message.created', about: (ns: string) => ({ message: message(ns) }) },
    { name: 'message.status', about: (ns: string) => status(ns) },
    { name: 'record.created', about: (ns: string) => ({ namespace: ns, tenant: 't', kind: 'contact', record: {} }) },
    { name: 'record.updated', about: (ns: string) => ({ namespace: ns, tenant: 't', kind: 'instance', record: {} }) },
    { name: 'webhook.gone', about: (ns: string) => ({ delivery: delivery(ns) }) },
    { name: 'webhook.delivery', about: (ns: string) => ({ delivery: delivery(ns) }) },
  ] as const)('$name reaches the listeners of its namespace and of every namespace, no other', ({ name, about }) => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.forNamespace('a').on(name, () => seen.push('a'));
    bus.forNamespace('b').on(name, () => seen.push('b'));
    bus.on(name, () => seen.push('everywhere'));
    bus.emit(name, about('a'));
    bus.emit(name, about('c'));
    expect(seen).toEqual(['a', 'everywhere', 'everywhere']);
  });

  it("runs a namespace's listeners in the order they came, before those of every namespace", () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.on('message.status', () => seen.push('everywhere'));
    const a = bus.forNamespace('a');
    a.on('message.status', () => seen.push('a1'));
    bus.forNamespace('a').on('message.status', () => seen.push('a2'));
    bus.emit('message.status', status('a'));
    expect(seen).toEqual(['a1', 'a2', 'everywhere']);
  });

  it('an unsubscribe removes one listener; close removes every listener added through that object, and only those', () => {
    const bus = new EventBus();
    const seen: string[] = [];
    const mine = bus.forNamespace('a');
    const off = mine.on('message.status', () => seen.push('status'));
    mine.on('webhook.gone', () => seen.push('gone'));
    bus.forNamespace('a').on('message.status', () => seen.push('other subscriber'));
    off();
    bus.emit('message.status', status('a'));
    expect(seen).toEqual(['other subscriber']);
    mine.close();
    bus.emit('webhook.gone', { delivery: delivery('a') });
    bus.emit('message.status', status('a'));
    expect(seen).toEqual(['other subscriber', 'other subscriber']);
  });

  it('a throwing listener is reported and the next one still runs', () => {
    const errors: string[] = [];
    const bus = new EventBus((error, name) => errors.push(`${name}: ${(error as Error).message}`));
    const seen: string[] = [];
    bus.forNamespace('a').on('message.status', () => {
      throw new Error('boom');
    });
    bus.on('message.status', (event) => seen.push(event.message.id));
    bus.emit('message.status', status('a', 'm7'));
    expect(errors).toEqual(['message.status: boom']);
    expect(seen).toEqual(['m7']);
  });
});
