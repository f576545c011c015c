import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Clock } from '../../src/engine/clock.js';
import { IdempotencyStore, validateIdempotencyKey, type IdempotencyBegin, type IdempotencyScope, type StoredResponse } from '../../src/engine/idempotency.js';

const START = Date.parse('2024-04-08T10:30:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const SCOPE: IdempotencyScope = { namespace: 'msgine', tenant: 'tok_a', method: 'POST', route: '/api/v1/messages', key: 'k-1' };
const CREATED: StoredResponse = { status: 201, body: { id: 'msg_1', status: 'queued' }, headers: { location: '/api/v1/messages/msg_1' } };

function setup(ttlMs?: number): { clock: Clock; store: IdempotencyStore } {
  const clock = new Clock({ mode: 'manual', start: START });
  return { clock, store: new IdempotencyStore(clock, ttlMs === undefined ? {} : { ttlMs }) };
}

function expectNew(begin: IdempotencyBegin): Extract<IdempotencyBegin, { kind: 'new' }> {
  if (begin.kind !== 'new') throw new Error(`expected new, got ${begin.kind}`);
  return begin;
}

const fp = IdempotencyStore.fingerprint;

describe('IdempotencyStore.fingerprint', () => {
  it('is sha256 hex of canonical JSON with sorted keys', () => {
    const expected = createHash('sha256').update('{"a":1,"b":[{"x":true,"y":null}]}').digest('hex');
    expect(fp({ b: [{ y: null, x: true }], a: 1 })).toBe(expected);
    expect(fp({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    { what: 'key order at the top', a: { to: '+1', body: 'hi' }, b: { body: 'hi', to: '+1' } },
    { what: 'key order nested', a: { m: { a: 1, b: 2 } }, b: { m: { b: 2, a: 1 } } },
    { what: 'undefined members are dropped (as in JSON)', a: { a: 1, b: undefined }, b: { a: 1 } },
    { what: 'Dates by their JSON form', a: { at: new Date(START) }, b: { at: '2024-04-08T10:30:00.000Z' } },
  ])('same fingerprint: $what', ({ a, b }) => {
    expect(fp(a)).toBe(fp(b));
  });

  it.each([
    { what: 'array order matters', a: [1, 2], b: [2, 1] },
    { what: 'different values', a: { to: '+1' }, b: { to: '+2' } },
    { what: 'number vs string', a: { n: 1 }, b: { n: '1' } },
    { what: 'null vs no body', a: null, b: undefined },
    { what: 'empty object vs no body', a: {}, b: undefined },
    { what: '__proto__ is data, not a prototype', a: JSON.parse('{"__proto__":{"x":1}}') as unknown, b: {} },
  ])('different fingerprint: $what', ({ a, b }) => {
    expect(fp(a)).not.toBe(fp(b));
  });
});

describe('IdempotencyStore.begin', () => {
  it('new, then replay of the completed response', () => {
    const { store } = setup();
    const first = expectNew(store.begin(SCOPE, fp({ to: '+1' })));
    const response = structuredClone(CREATED);
    first.complete(response);
    // Mutating the handler's object afterwards must not change what is replayed.
    (response.body as { status: string }).status = 'mutated';
    const second = store.begin(SCOPE, fp({ to: '+1' }));
    expect(second).toEqual({ kind: 'replay', response: CREATED });
    // Nor may a caller mutate the stored copy through a replay.
    if (second.kind === 'replay') second.response.headers['x'] = 'y';
    expect(store.begin(SCOPE, fp({ to: '+1' }))).toEqual({ kind: 'replay', response: CREATED });
  });

  it('replays executed errors too', () => {
    const { store } = setup();
    const error: StoredResponse = { status: 400, body: { error: 'invalid_phone_number' }, headers: {} };
    expectNew(store.begin(SCOPE, 'f')).complete(error);
    expect(store.begin(SCOPE, 'f')).toEqual({ kind: 'replay', response: error });
  });

  it.each([
    { what: 'different body after completion', complete: true, second: 'other', expected: 'mismatch' },
    { what: 'same body while in flight', complete: false, second: 'same', expected: 'in_flight' },
    { what: 'different body while in flight (422 is the more useful answer)', complete: false, second: 'other', expected: 'mismatch' },
    { what: 'same body after completion', complete: true, second: 'same', expected: 'replay' },
  ])('$what → $expected', ({ complete, second, expected }) => {
    const { store } = setup();
    const first = expectNew(store.begin(SCOPE, 'same'));
    if (complete) first.complete(CREATED);
    expect(store.begin(SCOPE, second).kind).toBe(expected);
  });

  it('abandon forgets the key so a retry may succeed', () => {
    const { store } = setup();
    expectNew(store.begin(SCOPE, 'f')).abandon();
    expect(store.size).toBe(0);
    const retry = expectNew(store.begin(SCOPE, 'different body is fine now'));
    retry.complete(CREATED);
    expect(store.begin(SCOPE, 'different body is fine now').kind).toBe('replay');
  });

  it.each([
    { what: 'another tenant', change: { tenant: 'tok_b' } },
    { what: 'another namespace', change: { namespace: 'msghub' } },
    { what: 'another method', change: { method: 'PATCH' } },
    { what: 'another route', change: { route: '/api/v1/contacts' } },
    { what: 'another key', change: { key: 'k-2' } },
  ])('a key used by $what is a different entry', ({ change }) => {
    const { store } = setup();
    expectNew(store.begin(SCOPE, 'f')).complete(CREATED);
    expect(store.begin({ ...SCOPE, ...change }, 'other').kind).toBe('new');
  });

  it('method names are case-insensitive', () => {
    const { store } = setup();
    expectNew(store.begin(SCOPE, 'f')).complete(CREATED);
    expect(store.begin({ ...SCOPE, method: 'post' }, 'f').kind).toBe('replay');
  });

  it.each([
    { what: 'default 24 h', ttl: undefined, keep: DAY },
    { what: 'custom 1 h', ttl: HOUR, keep: HOUR },
  ])('entries expire ttl after completion ($what)', ({ ttl, keep }) => {
    const { clock, store } = setup(ttl);
    const first = expectNew(store.begin(SCOPE, 'f'));
    clock.advance(30 * 60_000); // a slow handler: the TTL counts from completion
    first.complete(CREATED);
    clock.advance(keep - 1);
    expect(store.begin(SCOPE, 'f').kind).toBe('replay');
    clock.advance(1);
    expect(store.begin(SCOPE, 'other').kind).toBe('new');
  });

  it('an in-flight entry that is never settled expires after the ttl', () => {
    const { clock, store } = setup(HOUR);
    store.begin(SCOPE, 'f');
    clock.advance(HOUR - 1);
    expect(store.begin(SCOPE, 'f').kind).toBe('in_flight');
    clock.advance(1);
    expect(store.begin(SCOPE, 'f').kind).toBe('new');
  });

  it('a late complete/abandon cannot touch an entry it does not own', () => {
    const { store } = setup();
    const stale = expectNew(store.begin(SCOPE, 'f'));
    store.reset();
    const owner = expectNew(store.begin(SCOPE, 'f'));
    stale.complete({ status: 500, body: 'stale', headers: {} });
    stale.abandon();
    expect(store.begin(SCOPE, 'f').kind).toBe('in_flight');
    owner.complete(CREATED);
    owner.complete({ status: 500, body: 'second complete is ignored', headers: {} });
    owner.abandon();
    expect(store.begin(SCOPE, 'f')).toEqual({ kind: 'replay', response: CREATED });
  });

  it.each([0, -1, Number.NaN])('rejects ttlMs %s', (ttlMs) => {
    const clock = new Clock({ mode: 'manual', start: START });
    expect(() => new IdempotencyStore(clock, { ttlMs })).toThrow(RangeError);
  });
});

describe('IdempotencyStore.reset and memory', () => {
  const scopes: IdempotencyScope[] = [SCOPE, { ...SCOPE, tenant: 'tok_b' }, { ...SCOPE, namespace: 'msghub', tenant: 'tok_a' }];

  it.each([
    { args: [] as [string?, string?], left: [] as number[] },
    { args: ['msgine'] as [string?, string?], left: [2] },
    { args: ['msgine', 'tok_a'] as [string?, string?], left: [1, 2] },
    { args: [undefined, 'tok_a'] as [string?, string?], left: [1] },
    { args: ['nobody'] as [string?, string?], left: [0, 1, 2] },
  ])('reset($args.0, $args.1)', ({ args, left }) => {
    const { store } = setup();
    for (const scope of scopes) expectNew(store.begin(scope, 'f')).complete(CREATED);
    store.reset(...args);
    expect(store.size).toBe(left.length);
    scopes.forEach((scope, i) => {
      expect(store.begin(scope, 'f').kind).toBe(left.includes(i) ? 'replay' : 'new');
    });
  });

  it('expired entries are swept by ordinary traffic, so memory stays bounded', () => {
    const { clock, store } = setup(HOUR);
    for (let i = 0; i < 2000; i++) expectNew(store.begin({ ...SCOPE, tenant: `t${i}` }, 'f')).complete(CREATED);
    expect(store.size).toBe(2000);
    clock.advance(HOUR);
    store.begin({ ...SCOPE, tenant: 'fresh' }, 'f');
    const internal = store as unknown as { inFlight: Map<string, unknown>; completed: { size: number } };
    // The sweep ran before anything else: only the fresh request's entry is held, and it is in flight.
    expect(internal.completed.size).toBe(0);
    expect(internal.inFlight.size).toBe(1);
    expect(store.size).toBe(1);
  });
});

describe('validateIdempotencyKey', () => {
  it.each([
    { key: 'a', valid: true },
    { key: '8e03978e-40d5-43e8-bc93-6894a57f9324', valid: true },
    { key: 'x'.repeat(255), valid: true },
    { key: 'order 42 / retry #1', valid: true },
    { key: '!~', valid: true },
    { key: '', valid: false },
    { key: 'x'.repeat(256), valid: false },
    { key: ' leading', valid: false },
    { key: 'trailing ', valid: false },
    { key: ' ', valid: false },
    { key: 'tab\there', valid: false },
    { key: 'line\nbreak', valid: false },
    { key: 'clé', valid: false },
    { key: 'nul\u0000', valid: false },
  ])('$key.length chars "$key" → $valid', ({ key, valid }) => {
    expect(validateIdempotencyKey(key)).toBe(valid);
  });
});
