/**
 * A reply arriving from a phone (POST /_sim/inbound/sendhub {tenant, from, text}): stored as a message
 * with direction "from" and unread true, so that marking it as read (PUT) can be tested end to end.
 */
import type { Engine } from '../../engine/engine.js';
import { isE164 } from '../../engine/contact-points.js';
import type { InboundInput } from '../provider.js';
import { findContactByNumber, nextMessageId, sendhubMessagesOf } from './account.js';
import { accountProblem, isTenantId } from './auth.js';
import { sendhubError } from './errors.js';
import type { Links } from './links.js';
import { messageView } from './messages.js';

export function receiveSendhubInbound(engine: Engine, links: Links, tenant: string, input: InboundInput) {
  if (!isTenantId(tenant)) throw sendhubError.invalid('tenant must be <username>:<api_key>, as the account is named in /_sim', 'tenant', tenant);
  // Only a pair that could sign in is an account (auth.ts): a reply never binds a name to a second key.
  const colon = tenant.indexOf(':');
  const problem = accountProblem(engine, tenant.slice(0, colon), tenant.slice(colon + 1));
  if (problem) throw sendhubError.invalid(`tenant cannot be a SendHub account: ${problem}`, 'tenant');
  if (!isE164(input.from)) throw sendhubError.invalid('from must be a cell number in E.164 form, e.g. +16505551234', 'from', input.from);
  if (input.text.length === 0) throw sendhubError.invalid('text must not be empty', 'text', input.text);
  const contact = findContactByNumber(engine, tenant, input.from);
  const now = engine.clock.iso();
  const record = sendhubMessagesOf(engine, tenant).insert({
    id: nextMessageId(engine, tenant),
    direction: 'from',
    // The sender, as SendHub names a recipient: its contact id when the number is in the contacts.
    contacts: [contact ? Number(contact.id) : input.from],
    groups: null,
    text: input.text,
    scheduledAt: null,
    sentAt: now,
    unread: true,
    deliveryIds: [],
  });
  return messageView(record, links);
}
