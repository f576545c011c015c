/** Group membership records (one per contact in a group), shared by contacts, groups and bulk jobs. */
import type { Engine } from '../../engine/engine.js';
import type { BaseRecord } from '../../engine/store.js';
import { NAMESPACE } from './account.js';

export interface MembershipRecord extends BaseRecord {
  groupId: string;
  contactId: string;
}

export function membershipsOf(engine: Engine, tenant: string) {
  return engine.store.collection<MembershipRecord>(NAMESPACE, tenant, 'group_members');
}

export function membershipId(groupId: string, contactId: string): string {
  return `${groupId}:${contactId}`;
}

/** Referential integrity: a deleted contact leaves every group, a deleted group loses its members. */
export function removeMemberships(engine: Engine, tenant: string, match: { contactId?: string; groupId?: string }): number {
  const collection = membershipsOf(engine, tenant);
  const doomed = collection
    .all()
    .filter((m) => (match.contactId === undefined || m.contactId === match.contactId) && (match.groupId === undefined || m.groupId === match.groupId));
  for (const membership of doomed) collection.remove(membership.id);
  return doomed.length;
}
