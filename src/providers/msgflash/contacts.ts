/**
 * Contacts: a WhatsApp number (E.164, unique per workspace) with an optional name, email, tags and
 * attributes. Deleting a contact (here or through a bulk job) also removes it from every group.
 */
import type { Engine } from '../../engine/engine.js';
import { isEmail } from '../../engine/contact-points.js';
import type { BaseRecord } from '../../engine/store.js';
import type { HandlerRequest, HandlerResult } from '../provider.js';
import { NAMESPACE } from './account.js';
import { MsgflashCode, msgflashError } from './errors.js';
import { newId } from './ids.js';
import { cursorPageOf, queryString } from './listing.js';
import { removeMemberships } from './memberships.js';
import { checkPhone } from './messages.js';

export interface ContactRecord extends BaseRecord {
  phone: string;
  name?: string;
  email?: string;
  tags?: string[];
  attributes?: Record<string, string>;
}

type ContactInput = Partial<Omit<ContactRecord, keyof BaseRecord>>;

export function contactsOf(engine: Engine, tenant: string) {
  return engine.store.collection<ContactRecord>(NAMESPACE, tenant, 'contacts');
}

export function findContact(engine: Engine, tenant: string, id: string, field = 'id'): ContactRecord {
  const contact = contactsOf(engine, tenant).get(id);
  if (!contact) throw msgflashError.notFound('Contact', field, id);
  return contact;
}

/** Deletes a contact and its group memberships; false when it did not exist. */
export function deleteContactCascade(engine: Engine, tenant: string, id: string): boolean {
  if (!contactsOf(engine, tenant).remove(id)) return false;
  removeMemberships(engine, tenant, { contactId: id });
  return true;
}

export function contactView(contact: ContactRecord) {
  return {
    id: contact.id,
    phone: contact.phone,
    ...(contact.name !== undefined ? { name: contact.name } : {}),
    ...(contact.email !== undefined ? { email: contact.email } : {}),
    tags: contact.tags ?? [],
    attributes: contact.attributes ?? {},
    createdAt: contact.createdAt,
    updatedAt: contact.updatedAt,
  };
}

function checkFields(engine: Engine, tenant: string, input: ContactInput, except?: string): void {
  if (input.phone !== undefined) {
    checkPhone(input.phone, 'phone');
    const taken = contactsOf(engine, tenant)
      .all()
      .find((c) => c.phone === input.phone && c.id !== except);
    if (taken)
      throw msgflashError.conflict(MsgflashCode.contactAlreadyExists, `A contact with phone ${input.phone} already exists (${taken.id})`, 'phone', input.phone);
  }
  if (input.email !== undefined && !isEmail(input.email)) throw msgflashError.invalid('email must be a valid email address', 'email', input.email);
}

export function contactHandlers(engine: Engine) {
  return {
    listContacts(req: HandlerRequest): HandlerResult {
      const search = queryString(req.query, 'search')?.toLowerCase();
      const tag = queryString(req.query, 'tag');
      const filter = (c: ContactRecord) => {
        if (tag && !c.tags?.includes(tag)) return false;
        if (search && ![c.name, c.phone, c.email].some((v) => v?.toLowerCase().includes(search))) return false;
        return true;
      };
      return { status: 200, body: cursorPageOf(contactsOf(engine, req.tenant.id), tag || search ? filter : undefined, req.query, 'contacts', contactView) };
    },

    createContact(req: HandlerRequest): HandlerResult {
      const input = req.body as ContactInput & { phone: string };
      checkFields(engine, req.tenant.id, input);
      const contact = contactsOf(engine, req.tenant.id).insert({ id: newId(engine), ...input });
      return { status: 201, body: { data: contactView(contact) } };
    },

    getContact(req: HandlerRequest): HandlerResult {
      return { status: 200, body: { data: contactView(findContact(engine, req.tenant.id, req.params.id!)) } };
    },

    updateContact(req: HandlerRequest): HandlerResult {
      const contact = findContact(engine, req.tenant.id, req.params.id!);
      const input = req.body as ContactInput;
      checkFields(engine, req.tenant.id, input, contact.id);
      const updated = contactsOf(engine, req.tenant.id).update(contact.id, input)!;
      return { status: 200, body: { data: contactView(updated) } };
    },

    deleteContact(req: HandlerRequest): HandlerResult {
      const contact = findContact(engine, req.tenant.id, req.params.id!);
      deleteContactCascade(engine, req.tenant.id, contact.id);
      return { status: 200, body: { data: { id: contact.id, deleted: true } } };
    },
  };
}
