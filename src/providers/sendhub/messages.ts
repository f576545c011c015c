/**
 * The Messages resource (SendHub's doc): send via POST, collect a message's status via GET, mark a
 * message as read via PUT; and the list Tastypie gives every resource.
 */
import type { Engine } from '../../engine/engine.js';
import { rejectBySendMagic } from '../../engine/magic.js';
import type { HandlerRequest, HandlerResult } from '../provider.js';
import { sendhubMessagesOf, type SendhubMessageRecord } from './account.js';
import { createOutbound } from './delivery.js';
import { MAGIC_REFUSALS, sendhubError } from './errors.js';
import type { Links } from './links.js';
import { tastypiePage } from './listing.js';
import { resolveRecipients } from './recipients.js';
import { naiveMicros, naiveSeconds, parseScheduledAt, spacedSeconds } from './timestamps.js';
import { invalidScheduledAt } from './wording.js';

interface SendInput {
  contacts?: unknown[] | null;
  groups?: unknown[] | null;
  text: string;
  scheduled_at?: string | null;
}

/** The doc's acknowledgments; inbound messages have none. */
function acknowledgment(record: SendhubMessageRecord): string | null {
  if (record.direction === 'from') return null;
  return record.scheduledAt ? `Message scheduled for delivery at ${spacedSeconds(record.scheduledAt)}.` : 'Message queued for sending.';
}

/** Exactly the doc's fields, in the sorted order Tastypie's serializer writes. */
export function messageView(record: SendhubMessageRecord, links: Links) {
  return {
    acknowledgment: acknowledgment(record),
    contacts: record.contacts,
    created_at: naiveMicros(record.createdAt),
    direction: record.direction,
    groups: record.groups,
    id: record.id,
    resource_uri: links.detail('messages', record.id),
    scheduled_at: record.scheduledAt ? naiveSeconds(record.scheduledAt) : null,
    sent: record.sentAt ? naiveMicros(record.sentAt) : null,
    text: record.text,
    unread: record.unread,
  };
}

function findMessage(engine: Engine, tenant: string, id: string): SendhubMessageRecord {
  const record = sendhubMessagesOf(engine, tenant).get(id);
  if (!record) throw sendhubError.notFound(`No message ${id} in this account.`, 'id', id);
  return record;
}

/** Query booleans arrive coerced by the validator, or as the raw strings. */
function queryBoolean(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

export function messageHandlers(engine: Engine, links: Links) {
  const view = (record: SendhubMessageRecord) => messageView(record, links);
  return {
    sendMessage(req: HandlerRequest): HandlerResult {
      const input = req.body as SendInput;
      let scheduledAt: string | null = null;
      if (input.scheduled_at != null) {
        scheduledAt = parseScheduledAt(input.scheduled_at) ?? null;
        if (!scheduledAt) throw sendhubError.invalid(invalidScheduledAt(input.scheduled_at), 'scheduled_at', input.scheduled_at);
      }
      const resolved = resolveRecipients(engine, req.tenant.id, input.contacts, input.groups);
      // Before anything is stored: a refused send leaves no message behind.
      rejectBySendMagic(
        resolved.recipients.map((r) => r.to),
        MAGIC_REFUSALS,
        (to) => sendhubError.invalid(`Invalid cell number '${to}': it cannot receive text messages.`, 'contacts', to),
      );
      // A schedule in the past (the doc's own example is) is accepted and leaves on the next clock step.
      const record = createOutbound(engine, req.tenant.id, resolved, input.text, scheduledAt);
      return { status: 201, body: view(record) };
    },

    getMessage(req: HandlerRequest): HandlerResult {
      return { status: 200, body: view(findMessage(engine, req.tenant.id, req.params.id!)) };
    },

    listMessages(req: HandlerRequest): HandlerResult {
      const direction = typeof req.query.direction === 'string' ? req.query.direction : undefined;
      const unread = queryBoolean(req.query.unread);
      const items = sendhubMessagesOf(engine, req.tenant.id).newestFirst(
        (m) => (direction === undefined || m.direction === direction) && (unread === undefined || m.unread === unread),
      );
      return { status: 200, body: tastypiePage(items, req.query, links.list('messages'), view) };
    },

    /** "You may only mark a message as read, you cannot mark a message as unread." Other fields are refused by the spec. */
    markMessageRead(req: HandlerRequest): HandlerResult {
      const record = findMessage(engine, req.tenant.id, req.params.id!);
      const body = (req.body ?? {}) as { unread?: boolean };
      if (body.unread === true) throw sendhubError.invalid('You cannot mark a message as unread.', 'unread', true);
      if (body.unread !== false) throw sendhubError.invalid('Send {"unread": false} to mark a message as read.', 'unread');
      if (record.direction !== 'from') {
        throw sendhubError.invalid(`Message ${record.id} is outbound (direction "to"): only inbound messages can be marked as read.`, 'id', record.id);
      }
      const updated = record.unread === false ? record : sendhubMessagesOf(engine, req.tenant.id).update(record.id, { unread: false })!;
      return { status: 200, body: view(updated) };
    },
  };
}
