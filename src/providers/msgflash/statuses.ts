/**
 * POST /statuses: publishes a WhatsApp status (a story, visible to the number's contacts for 24 hours)
 * through an instance. Text statuses take a background colour; image and video statuses a media URL
 * and an optional caption. A disconnected instance cannot publish (409 INSTANCE_DISCONNECTED).
 */
import type { Engine } from '../../engine/engine.js';
import type { BaseRecord } from '../../engine/store.js';
import type { HandlerRequest, HandlerResult } from '../provider.js';
import { NAMESPACE } from './account.js';
import { msgflashError } from './errors.js';
import { newId } from './ids.js';
import { requireConnectedInstance, requireInstance } from './instances.js';

/** WhatsApp statuses disappear after 24 hours. */
export const STATUS_LIFETIME_MS = 24 * 3_600_000;

export interface StatusRecord extends BaseRecord {
  instanceId: string;
  type: 'text' | 'image' | 'video';
  text?: string;
  backgroundColor?: string;
  mediaUrl?: string;
  caption?: string;
}

type StatusInput = Omit<StatusRecord, keyof BaseRecord>;

export function statusesOf(engine: Engine, tenant: string) {
  return engine.store.collection<StatusRecord>(NAMESPACE, tenant, 'statuses');
}

function checkContent(input: StatusInput): void {
  if (input.type === 'text') {
    if (input.text === undefined) throw msgflashError.invalid('text is required for a text status', 'text');
    if (input.mediaUrl !== undefined) throw msgflashError.invalid('mediaUrl is only for image and video statuses', 'mediaUrl', input.mediaUrl);
    if (input.caption !== undefined) throw msgflashError.invalid('caption is only for image and video statuses', 'caption', input.caption);
    return;
  }
  if (input.mediaUrl === undefined) throw msgflashError.invalid(`mediaUrl is required for ${input.type} statuses`, 'mediaUrl');
  if (input.text !== undefined) throw msgflashError.invalid(`${input.type} statuses take caption, not text`, 'text', input.text);
  if (input.backgroundColor !== undefined) throw msgflashError.invalid('backgroundColor is only for text statuses', 'backgroundColor', input.backgroundColor);
}

function statusView(status: StatusRecord) {
  return {
    id: status.id,
    instanceId: status.instanceId,
    type: status.type,
    ...(status.text !== undefined ? { text: status.text } : {}),
    ...(status.backgroundColor !== undefined ? { backgroundColor: status.backgroundColor } : {}),
    ...(status.mediaUrl !== undefined ? { mediaUrl: status.mediaUrl } : {}),
    ...(status.caption !== undefined ? { caption: status.caption } : {}),
    status: 'published',
    publishedAt: status.createdAt,
    expiresAt: new Date(Date.parse(status.createdAt) + STATUS_LIFETIME_MS).toISOString(),
    createdAt: status.createdAt,
  };
}

export function statusHandlers(engine: Engine) {
  return {
    publishStatus(req: HandlerRequest): HandlerResult {
      const input = req.body as StatusInput;
      requireInstance(input.instanceId);
      checkContent(input);
      requireConnectedInstance(engine, req.tenant.id, input.instanceId);
      const status = statusesOf(engine, req.tenant.id).insert({ id: newId(engine), ...input });
      return { status: 201, body: { data: statusView(status) } };
    },
  };
}
