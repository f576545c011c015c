/** Whom a MsGine request addresses, for the request journal: a send's `to`, one number or a list. */
import { field } from '../client-profile.js';
import { recipientList } from '../request-recipients.js';

export function msgineRecipients(operationId: string, body: unknown): string[] {
  return operationId === 'sendSms' ? recipientList(field(body, 'to')) : [];
}
