/**
 * What a scenario may set up in a SendHub account: contacts and groups. SendHub's API only reads them
 * (they are made in its web app), so they are stored as the account's fixtures are (account.ts), with
 * the next free number as their id, and checked as a send checks its recipients.
 */
import { isE164 } from '../../engine/contact-points.js';
import type { BaseRecord, Collection } from '../../engine/store.js';
import type { ScenarioSupport } from '../provider.js';
import { contactsOf, groupsOf } from './account.js';
import { sendhubError } from './errors.js';

const NAME_MAX = 255;

/** `username:api_key`, the account's name in /_sim, goes in the query string as the doc says. */
function auth(credential: string) {
  const colon = credential.indexOf(':');
  const [username, apiKey] = colon < 0 ? [credential, ''] : [credential.slice(0, colon), credential.slice(colon + 1)];
  return { headers: {}, query: { username, api_key: apiKey } };
}

function nextId(collection: Collection<BaseRecord>): string {
  let max = 0;
  for (const record of collection.all()) max = Math.max(max, Number(record.id) || 0);
  return String(max + 1);
}

function name(item: Record<string, unknown>): string {
  const value = item.name;
  if (typeof value !== 'string' || value.trim() === '' || value.length > NAME_MAX)
    throw sendhubError.invalid(`name must be 1 to ${NAME_MAX} characters`, 'name', value);
  return value;
}

function only(item: Record<string, unknown>, fields: readonly string[]): void {
  const unknown = Object.keys(item).find((k) => !fields.includes(k));
  if (unknown !== undefined) throw sendhubError.invalid(`Unknown field '${unknown}'; this fixture has ${fields.join(', ')}`, unknown);
}

export const sendhubScenario: ScenarioSupport = {
  auth,
  fixtures: {
    contacts: {
      example: { name: 'Ada Lovelace', number: '+14155550123' },
      fromPerson: ({ name: person, phone }) => ({ name: person, number: phone }),
      create(item, context) {
        only(item, ['name', 'number']);
        const contactName = name(item);
        if (typeof item.number !== 'string' || !isE164(item.number)) throw sendhubError.invalid('number must be an E.164 number', 'number', item.number);
        const contacts = contactsOf(context.engine, context.tenant.id);
        return Promise.resolve(contacts.insert({ id: nextId(contacts), name: contactName, number: item.number }).id);
      },
    },
    groups: {
      example: { name: 'Board', contacts: [1111, 1112] },
      create(item, context) {
        only(item, ['name', 'contacts']);
        const groupName = name(item);
        const tenant = context.tenant.id;
        const contacts = contactsOf(context.engine, tenant);
        if (item.contacts !== undefined && !Array.isArray(item.contacts))
          throw sendhubError.invalid('contacts must be a list of contact ids', 'contacts', item.contacts);
        const members: unknown[] = Array.isArray(item.contacts) ? item.contacts : [];
        const ids = members.map((id, i) => {
          const key = typeof id === 'number' || typeof id === 'string' ? String(id) : '';
          if (!/^\d+$/.test(key) || !contacts.get(key))
            throw sendhubError.invalid(`Invalid contact id ${String(id)}: it is not one of your contacts.`, `contacts[${i}]`, id);
          return Number(key);
        });
        const groups = groupsOf(context.engine, tenant);
        return Promise.resolve(groups.insert({ id: nextId(groups), name: groupName, contacts: ids }).id);
      },
    },
  },
};
