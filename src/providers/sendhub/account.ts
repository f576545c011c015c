/**
 * One SendHub account's state: contacts and groups seeded from fixtures/sendhub.json the first time
 * the account is seen (and again after a /_sim reset), and the SendHub message records. The
 * per-recipient deliveries live in the engine's shared `messages` collection (see delivery.ts).
 */
import { readFileSync } from 'node:fs';
import type { Engine } from '../../engine/engine.js';
import type { BaseRecord } from '../../engine/store.js';
import { fixturePath } from '../../paths.js';
import type { NamedKey } from '../client-profile.js';

export const NAMESPACE = 'sendhub';

export interface ContactRecord extends BaseRecord {
  name: string;
  number: string;
}

export interface GroupRecord extends BaseRecord {
  name: string;
  /** Member contact ids. */
  contacts: number[];
}

/** A recipient as the client named it: a contact id, or a cell number. */
export type ContactRef = number | string;

/** A message as SendHub shows it; timestamps are stored as ISO UTC and formatted by the view. */
export interface SendhubMessageRecord extends BaseRecord {
  direction: 'to' | 'from';
  contacts: ContactRef[] | null;
  groups: number[] | null;
  text: string;
  scheduledAt: string | null;
  sentAt: string | null;
  unread: boolean | null;
  /** Ids of the engine messages, one per distinct recipient number (outbound only). */
  deliveryIds: string[];
}

interface SendhubFixtures {
  contacts: { id: string; name: string; number: string }[];
  groups: { id: string; name: string; contacts: number[] }[];
  /** Named api_keys with properties (`invalid`, `revoked`), registered at start (Provider.fixtureKeys). */
  keys: NamedKey[];
}

const FIXTURE_FILE = fixturePath('sendhub.json');

/** Every fixture file SendHub reads (Provider.fixtureFiles). */
export const SENDHUB_FIXTURE_FILES: readonly string[] = [FIXTURE_FILE];

export const SENDHUB_FIXTURES: SendhubFixtures = JSON.parse(readFileSync(FIXTURE_FILE, 'utf8')) as SendhubFixtures;

/**
 * A new account's first message id: SendHub's ids come from its database's sequence, so they are large and
 * do not start over. Drawn from the run's seed, so two starts give different ids (a consumer that stores
 * them as unique keys sees no collision after a simulator restart) and a `--seed` run repeats its own.
 */
const FIRST_ID_FLOOR = 100_000;
const FIRST_ID_SPAN = 900_000_000;

function seed(engine: Engine, tenant: string): void {
  if (engine.store.hasTenant(NAMESPACE, tenant)) return;
  const contacts = engine.store.collection<ContactRecord>(NAMESPACE, tenant, 'contacts');
  for (const c of SENDHUB_FIXTURES.contacts) contacts.insert({ id: c.id, name: c.name, number: c.number });
  const groups = engine.store.collection<GroupRecord>(NAMESPACE, tenant, 'groups');
  for (const g of SENDHUB_FIXTURES.groups) groups.insert({ id: g.id, name: g.name, contacts: [...g.contacts] });
}

export function contactsOf(engine: Engine, tenant: string) {
  seed(engine, tenant);
  return engine.store.collection<ContactRecord>(NAMESPACE, tenant, 'contacts');
}

export function groupsOf(engine: Engine, tenant: string) {
  seed(engine, tenant);
  return engine.store.collection<GroupRecord>(NAMESPACE, tenant, 'groups');
}

/** SendHub's own message records ('messages' is the engine's per-recipient outbox). */
export function sendhubMessagesOf(engine: Engine, tenant: string) {
  seed(engine, tenant);
  return engine.store.collection<SendhubMessageRecord>(NAMESPACE, tenant, 'sh_messages');
}

/**
 * Sequential within an account from its first id (the doc's ids are integers: "25", "30"): the last id plus
 * one. Records are never deleted and keep their insertion order (in the data file and a state restore too),
 * so that is the largest id plus one, and an account saved before ids were drawn (first id 1) continues its
 * sequence. A restored state document may hold any ids (gaps, another order, not integers): if the last id
 * plus one is taken or not a number, the next id is one past the largest integer id.
 */
export function nextMessageId(engine: Engine, tenant: string): string {
  const messages = sendhubMessagesOf(engine, tenant);
  const rows = messages.all();
  if (rows.length === 0) return String(FIRST_ID_FLOOR + engine.random.int(FIRST_ID_SPAN));
  const next = Number(rows[rows.length - 1]!.id) + 1;
  if (Number.isSafeInteger(next) && !messages.get(String(next))) return String(next);
  let largest = 0;
  for (const row of rows) {
    const id = Number(row.id);
    if (Number.isSafeInteger(id) && id > largest) largest = id;
  }
  return String(largest + 1);
}

export function findContactByNumber(engine: Engine, tenant: string, number: string): ContactRecord | undefined {
  return contactsOf(engine, tenant)
    .all()
    .find((c) => c.number === number);
}
