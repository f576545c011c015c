/**
 * Turns a send's `contacts` and `groups` into the numbers it goes to. The doc: contacts are "contact
 * ids" (max 20) and may be cell numbers ("+16505551234"); groups are group ids (max 3); "You must use
 * a valid contact id from your contacts, otherwise you will receive an error."
 */
import type { Engine } from '../../engine/engine.js';
import { isE164 } from '../../engine/contact-points.js';
import { contactsOf, groupsOf, type ContactRef } from './account.js';
import { sendhubError } from './errors.js';
import { invalidCellNumber, invalidContact, invalidGroup } from './wording.js';

export interface Recipient {
  to: string;
  /** The contact the number belongs to, when it was named by id or through a group. */
  contactId?: number;
}

export interface ResolvedRecipients {
  /** As sent, normalised: ids as integers, numbers as strings; null when not sent. */
  contacts: ContactRef[] | null;
  groups: number[] | null;
  /** Every distinct number, in the order first named. */
  recipients: Recipient[];
}

const DIGITS = /^[0-9]{1,18}$/;

/** A contact id (integer or string of digits) or a cell number; anything else is a 400 naming it. */
function parseContactRef(item: unknown, index: number): ContactRef {
  if (typeof item === 'number' && Number.isSafeInteger(item) && item > 0) return item;
  if (typeof item === 'string' && DIGITS.test(item) && Number(item) > 0) return Number(item);
  if (typeof item === 'string' && item.startsWith('+')) {
    if (!isE164(item)) throw sendhubError.invalid(invalidCellNumber(item), `contacts[${index}]`, item);
    return item;
  }
  throw sendhubError.invalid(invalidContact(item), `contacts[${index}]`, item);
}

function parseGroupId(item: unknown, index: number): number {
  if (typeof item === 'number' && Number.isSafeInteger(item) && item > 0) return item;
  if (typeof item === 'string' && DIGITS.test(item) && Number(item) > 0) return Number(item);
  throw sendhubError.invalid(invalidGroup(item), `groups[${index}]`, item);
}

export function resolveRecipients(
  engine: Engine,
  tenant: string,
  contactsIn: unknown[] | null | undefined,
  groupsIn: unknown[] | null | undefined,
): ResolvedRecipients {
  const contacts = contactsIn == null ? null : contactsIn.map(parseContactRef);
  const groups = groupsIn == null ? null : groupsIn.map(parseGroupId);
  if ((contacts ?? []).length === 0 && (groups ?? []).length === 0) {
    throw sendhubError.invalid('A message needs at least one contact or group.', 'contacts');
  }

  const recipients: Recipient[] = [];
  const seen = new Set<string>();
  const add = (recipient: Recipient) => {
    if (seen.has(recipient.to)) return;
    seen.add(recipient.to);
    recipients.push(recipient);
  };
  const contactBook = contactsOf(engine, tenant);
  (contacts ?? []).forEach((ref, index) => {
    if (typeof ref === 'string') return add({ to: ref });
    const contact = contactBook.get(String(ref));
    if (!contact) throw sendhubError.invalid(`Invalid contact id ${ref}: it is not one of your contacts.`, `contacts[${index}]`, ref);
    add({ to: contact.number, contactId: ref });
  });
  const groupBook = groupsOf(engine, tenant);
  (groups ?? []).forEach((id, index) => {
    const group = groupBook.get(String(id));
    if (!group) throw sendhubError.invalid(`Invalid group id ${id}: it is not one of your groups.`, `groups[${index}]`, id);
    for (const member of group.contacts) {
      const contact = contactBook.get(String(member));
      if (contact) add({ to: contact.number, contactId: member });
    }
  });
  return { contacts, groups, recipients };
}
