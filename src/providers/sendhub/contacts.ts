/**
 * /v1/contacts/ and /v1/groups/: read-only in msgsim. They exist so that a message's contact and group
 * ids can be valid or not, as the doc warns ("You must use a valid contact id from your contacts").
 */
import type { Engine } from '../../engine/engine.js';
import type { HandlerRequest, HandlerResult } from '../provider.js';
import { contactsOf, groupsOf, type ContactRecord, type GroupRecord } from './account.js';
import { sendhubError } from './errors.js';
import type { Links } from './links.js';
import { tastypiePage } from './listing.js';

export function contactView(contact: ContactRecord, links: Links) {
  return { id: contact.id, name: contact.name, number: contact.number, resource_uri: links.detail('contacts', contact.id) };
}

export function groupView(group: GroupRecord, links: Links) {
  return { contacts: group.contacts, id: group.id, name: group.name, resource_uri: links.detail('groups', group.id) };
}

export function contactHandlers(engine: Engine, links: Links) {
  const viewContact = (contact: ContactRecord) => contactView(contact, links);
  const viewGroup = (group: GroupRecord) => groupView(group, links);
  return {
    listContacts(req: HandlerRequest): HandlerResult {
      return { status: 200, body: tastypiePage(contactsOf(engine, req.tenant.id).all(), req.query, links.list('contacts'), viewContact) };
    },

    getContact(req: HandlerRequest): HandlerResult {
      const id = req.params.id!;
      const contact = contactsOf(engine, req.tenant.id).get(id);
      if (!contact) throw sendhubError.notFound(`No contact ${id} in this account.`, 'id', id);
      return { status: 200, body: viewContact(contact) };
    },

    listGroups(req: HandlerRequest): HandlerResult {
      return { status: 200, body: tastypiePage(groupsOf(engine, req.tenant.id).all(), req.query, links.list('groups'), viewGroup) };
    },

    getGroup(req: HandlerRequest): HandlerResult {
      const id = req.params.id!;
      const group = groupsOf(engine, req.tenant.id).get(id);
      if (!group) throw sendhubError.notFound(`No group ${id} in this account.`, 'id', id);
      return { status: 200, body: viewGroup(group) };
    },
  };
}
