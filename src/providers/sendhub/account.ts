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

/** Where message ids start in a new account. */
const FIRST_MESSAGE_ID = 1;

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

/** Sequential per account (the doc's ids are small integers: "25", "30"); records are never deleted. */
export function nextMessageId(engine: Engine, tenant: string): string {
  return String(FIRST_MESSAGE_ID + sendhubMessagesOf(engine, tenant).size);
}

export function findContactByNumber(engine: Engine, tenant: string, number: string): ContactRecord | undefined {
  return contactsOf(engine, tenant)
    .all()
    .find((c) => c.number === number);
}
