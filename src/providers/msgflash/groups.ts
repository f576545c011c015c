/**
 * Contact groups: CRUD, members (add, remove, list) and the groups of one contact. Adding or removing
 * is all-or-nothing on unknown contacts (404 naming the first), and idempotent on (non-)members.
 */
import type { Engine } from '../../engine/engine.js';
import type { BaseRecord } from '../../engine/store.js';
import type { HandlerRequest, HandlerResult } from '../provider.js';
import { NAMESPACE } from './account.js';
import { contactView, contactsOf, findContact } from './contacts.js';
import { msgflashError } from './errors.js';
import { newId } from './ids.js';
import { cursorPageOf, queryString } from './listing.js';
import { membershipId, membershipsOf, removeMemberships, type MembershipRecord } from './memberships.js';

export interface GroupRecord extends BaseRecord {
  name: string;
  description?: string;
}

export function groupsOf(engine: Engine, tenant: string) {
  return engine.store.collection<GroupRecord>(NAMESPACE, tenant, 'groups');
}

export function findGroup(engine: Engine, tenant: string, id: string, field = 'groupId'): GroupRecord {
  const group = groupsOf(engine, tenant).get(id);
  if (!group) throw msgflashError.notFound('Group', field, id);
  return group;
}

/** Phone numbers of a group's members, oldest member first (campaign recipients). */
export function groupPhones(engine: Engine, tenant: string, groupId: string, field: string): string[] {
  findGroup(engine, tenant, groupId, field);
  const contacts = contactsOf(engine, tenant);
  return membershipsOf(engine, tenant)
    .all()
    .filter((m) => m.groupId === groupId)
    .map((m) => contacts.get(m.contactId)?.phone)
    .filter((phone): phone is string => phone !== undefined);
}

function memberCount(engine: Engine, tenant: string, groupId: string): number {
  return membershipsOf(engine, tenant)
    .all()
    .filter((m) => m.groupId === groupId).length;
}

function groupView(engine: Engine, tenant: string, group: GroupRecord) {
  return {
    id: group.id,
    name: group.name,
    ...(group.description !== undefined ? { description: group.description } : {}),
    memberCount: memberCount(engine, tenant, group.id),
    createdAt: group.createdAt,
    updatedAt: group.updatedAt,
  };
}

/** Every id must name a contact; duplicates in the request count once. */
function requireContacts(engine: Engine, tenant: string, ids: string[]): string[] {
  ids.forEach((id, i) => findContact(engine, tenant, id, `contactIds[${i}]`));
  return [...new Set(ids)];
}

export function groupHandlers(engine: Engine) {
  return {
    listGroups(req: HandlerRequest): HandlerResult {
      const search = queryString(req.query, 'search')?.toLowerCase();
      const filter = search ? (g: GroupRecord) => g.name.toLowerCase().includes(search) : undefined;
      return { status: 200, body: cursorPageOf(groupsOf(engine, req.tenant.id), filter, req.query, 'groups', (g) => groupView(engine, req.tenant.id, g)) };
    },

    createGroup(req: HandlerRequest): HandlerResult {
      const input = req.body as { name: string; description?: string };
      const group = groupsOf(engine, req.tenant.id).insert({
        id: newId(engine),
        name: input.name,
        ...(input.description !== undefined ? { description: input.description } : {}),
      });
      return { status: 201, body: { data: groupView(engine, req.tenant.id, group) } };
    },

    getGroup(req: HandlerRequest): HandlerResult {
      return { status: 200, body: { data: groupView(engine, req.tenant.id, findGroup(engine, req.tenant.id, req.params.groupId!)) } };
    },

    updateGroup(req: HandlerRequest): HandlerResult {
      const group = findGroup(engine, req.tenant.id, req.params.groupId!);
      const updated = groupsOf(engine, req.tenant.id).update(group.id, req.body as Partial<GroupRecord>)!;
      return { status: 200, body: { data: groupView(engine, req.tenant.id, updated) } };
    },

    deleteGroup(req: HandlerRequest): HandlerResult {
      const group = findGroup(engine, req.tenant.id, req.params.groupId!);
      groupsOf(engine, req.tenant.id).remove(group.id);
      removeMemberships(engine, req.tenant.id, { groupId: group.id });
      return { status: 200, body: { data: { id: group.id, deleted: true } } };
    },

    addGroupMembers(req: HandlerRequest): HandlerResult {
      const tenant = req.tenant.id;
      const group = findGroup(engine, tenant, req.params.groupId!);
      const ids = requireContacts(engine, tenant, (req.body as { contactIds: string[] }).contactIds);
      const memberships = membershipsOf(engine, tenant);
      let added = 0;
      for (const contactId of ids) {
        if (memberships.get(membershipId(group.id, contactId))) continue;
        memberships.insert({ id: membershipId(group.id, contactId), groupId: group.id, contactId });
        added++;
      }
      return {
        status: 200,
        body: { data: { groupId: group.id, added, alreadyMembers: ids.length - added, memberCount: memberCount(engine, tenant, group.id) } },
      };
    },

    removeGroupMembers(req: HandlerRequest): HandlerResult {
      const tenant = req.tenant.id;
      const group = findGroup(engine, tenant, req.params.groupId!);
      const ids = requireContacts(engine, tenant, (req.body as { contactIds: string[] }).contactIds);
      const memberships = membershipsOf(engine, tenant);
      const removed = ids.filter((contactId) => memberships.remove(membershipId(group.id, contactId))).length;
      return {
        status: 200,
        body: { data: { groupId: group.id, removed, notMembers: ids.length - removed, memberCount: memberCount(engine, tenant, group.id) } },
      };
    },

    listGroupMembers(req: HandlerRequest): HandlerResult {
      const tenant = req.tenant.id;
      const group = findGroup(engine, tenant, req.params.groupId!);
      const contacts = contactsOf(engine, tenant);
      const isMember = (m: MembershipRecord) => m.groupId === group.id && contacts.get(m.contactId) !== undefined;
      return {
        status: 200,
        body: cursorPageOf(membershipsOf(engine, tenant), isMember, req.query, 'members', (m) => ({
          ...contactView(contacts.get(m.contactId)!),
          addedAt: m.createdAt,
        })),
      };
    },

    listContactGroups(req: HandlerRequest): HandlerResult {
      const tenant = req.tenant.id;
      const contact = findContact(engine, tenant, req.params.id!);
      const groups = groupsOf(engine, tenant);
      const items = membershipsOf(engine, tenant)
        .newestFirst((m) => m.contactId === contact.id)
        .map((m) => groups.get(m.groupId))
        .filter((g): g is GroupRecord => g !== undefined);
      return { status: 200, body: { data: items.map((g) => groupView(engine, tenant, g)) } };
    },
  };
}
