/** Whom a SendHub request addresses, for the request journal: a send's `contacts` (numbers, or contact ids as sent). */
import { field } from '../client-profile.js';
import { recipientList } from '../request-recipients.js';

export function sendhubRecipients(operationId: string, body: unknown): string[] {
  return operationId === 'sendMessage' ? recipientList(field(body, 'contacts')) : [];
}
