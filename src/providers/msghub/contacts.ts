/** Contacts CRUD: E.164 phones, valid emails, one of the two required; `contact.created` webhook. */
import type { Engine } from '../../engine/engine.js';
import { isE164, isEmail } from '../../engine/contact-points.js';
import { isoSeconds } from '../../engine/iso-seconds.js';
import type { BaseRecord } from '../../engine/store.js';
import type { HandlerRequest, HandlerResult } from '../provider.js';
import { MsghubCode, MsghubMessage, msghubError } from './errors.js';
import { pageOf, queryString } from './listing.js';
import { NAMESPACE } from './messages.js';

export interface ContactRecord extends BaseRecord {
  name: string;
  phone?: string;
  email?: string;
  tags?: string[];
  attributes?: Record<string, string>;
}

interface ContactInput {
  name?: string;
  phone?: string;
  email?: string;
  tags?: string[];
  attributes?: Record<string, string>;
}

export function contactsOf(engine: Engine, tenant: string) {
  return engine.store.collection<ContactRecord>(NAMESPACE, tenant, 'contacts');
}

export function findContact(engine: Engine, tenant: string, contactId: string, field = 'contactId'): ContactRecord {
  const contact = contactsOf(engine, tenant).get(contactId);
  if (!contact) throw msghubError.notFound(MsghubCode.contactNotFound, MsghubMessage.contactNotFound, field, contactId);
  return contact;
}

export function contactView(contact: ContactRecord) {
  return {
    contactId: contact.id,
    name: contact.name,
    phone: contact.phone,
    email: contact.email,
    tags: contact.tags,
    attributes: contact.attributes,
    createdAt: isoSeconds(contact.createdAt),
    updatedAt: isoSeconds(contact.updatedAt),
  };
}

function checkContactFields(input: ContactInput): void {
  if (input.phone !== undefined && !isE164(input.phone)) throw msghubError.invalidPhone('phone', input.phone);
  if (input.email !== undefined && !isEmail(input.email)) throw msghubError.invalidEmail('email', input.email);
}

export function contactHandlers(engine: Engine) {
  return {
    createContact(req: HandlerRequest): HandlerResult {
      const input = req.body as ContactInput & { name: string };
      checkContactFields(input);
      if (input.phone === undefined && input.email === undefined) throw msghubError.invalid('a contact needs a phone or an email', 'phone');
      const contact = contactsOf(engine, req.tenant.id).insert({
        id: engine.ids.next('ct_'),
        name: input.name,
        phone: input.phone,
        email: input.email,
        tags: input.tags,
        attributes: input.attributes,
      });
      engine.events.emit('record.created', { namespace: NAMESPACE, tenant: req.tenant.id, kind: 'contact', record: contact });
      return { status: 201, body: contactView(contact) };
    },

    getContact(req: HandlerRequest): HandlerResult {
      return { status: 200, body: contactView(findContact(engine, req.tenant.id, req.params.contactId!)) };
    },

    updateContact(req: HandlerRequest): HandlerResult {
      const contact = findContact(engine, req.tenant.id, req.params.contactId!);
      const input = req.body as ContactInput;
      checkContactFields(input);
      const updated = contactsOf(engine, req.tenant.id).update(contact.id, input)!;
      return { status: 200, body: contactView(updated) };
    },

    deleteContact(req: HandlerRequest): HandlerResult {
      const contact = findContact(engine, req.tenant.id, req.params.contactId!);
      contactsOf(engine, req.tenant.id).remove(contact.id);
      return { status: 204 };
    },

    listContacts(req: HandlerRequest): HandlerResult {
      const q = req.query;
      const search = queryString(q, 'search')?.toLowerCase();
      const tag = queryString(q, 'tag');
      const phone = queryString(q, 'phone');
      const email = queryString(q, 'email')?.toLowerCase();
      const filtered = search || tag || phone || email;
      const filter = (c: ContactRecord) => {
        if (tag && !c.tags?.includes(tag)) return false;
        if (phone && c.phone !== phone) return false;
        if (email && c.email?.toLowerCase() !== email) return false;
        if (search && ![c.name, c.phone, c.email].some((v) => v?.toLowerCase().includes(search))) return false;
        return true;
      };
      return { status: 200, body: pageOf(contactsOf(engine, req.tenant.id), filtered ? filter : undefined, q, contactView) };
    },
  };
}
