/**
 * The one send path: POST /messages/send, each item of /messages/batch and each target of
 * /content/distribute check and store a message here, in that order — recipient, content for the
 * channel, fallback chain, then the send-time magic recipients (…0001 400, …0005 429, …0006 500).
 */
import type { Engine } from '../../engine/engine.js';
import { rejectBySendMagic, type MagicRefusals } from '../../engine/magic.js';
import type { Tenant } from '../provider.js';
import { checkRecipient, recipientProblem, type Channel } from './channels.js';
import { checkContentForChannel, prepareContent, type ContentInput, type PreparedContent } from './content.js';
import { HubCode, HubWording, hubError } from './errors.js';
import type { AttemptRunner } from './fallback.js';
import type { TemplateFixture } from './fixtures.js';
import { hubMessagesOf, type FallbackConfig, type HubMessage } from './messages.js';
import { headersFor, rateWindows, windowEnd } from './tiers.js';

/** Used when `fallback.timeoutSeconds` is not given. */
export const DEFAULT_FALLBACK_TIMEOUT_SECONDS = 60;

export interface FallbackInput {
  channels: Channel[];
  timeoutSeconds?: number;
  recipients?: Partial<Record<Channel, string>>;
}

export interface SendRequest extends ContentInput {
  to: string;
  channel: Channel;
  fallback?: FallbackInput;
}

export interface CheckedSend {
  to: string;
  channel: Channel;
  content: PreparedContent & { template?: TemplateFixture };
  fallback?: FallbackConfig;
}

/**
 * Checks one send; `prefix` names the item in errors ("messages[2]."). Distribution passes its content,
 * already prepared once for every target, and names content fields from the body's root.
 */
export function checkSend(engine: Engine, tenant: Tenant, input: SendRequest, prefix = '', shared?: { content: CheckedSend['content'] }): CheckedSend {
  checkRecipient(input.channel, input.to, `${prefix}to`);
  const content = shared?.content ?? prepareContent(input, prefix);
  checkContentForChannel(content, input.channel, shared ? '' : prefix);
  const fallback = input.fallback ? checkFallback(input, prefix) : undefined;
  rejectBySendMagic(input.to, magicRefusals(engine, tenant), (to) =>
    hubError.invalid(HubCode.invalidRecipient, 'Invalid recipient: the number cannot receive messages', `${prefix}to`, to),
  );
  return { to: input.to, channel: input.channel, content, ...(fallback ? { fallback } : {}) };
}

function checkFallback(input: SendRequest, prefix: string): FallbackConfig {
  const fallback = input.fallback!;
  const field = `${prefix}fallback`;
  const channels = fallback.channels;
  if (channels.includes(input.channel)) {
    throw hubError.invalid(HubCode.invalidFallback, `fallback.channels must not repeat the primary channel ${input.channel}`, `${field}.channels`, channels);
  }
  // A fallback attempt sends the message's text; Kakao carries only approved AlimTalk templates and brand messages.
  if (channels.includes('kakao')) {
    throw hubError.invalid(
      HubCode.invalidFallback,
      'kakao cannot be a fallback channel: fallback attempts send plain text, and kakao sends only AlimTalk templates and brand messages',
      `${field}.channels`,
      channels,
    );
  }
  const recipients = fallback.recipients ?? {};
  for (const channel of Object.keys(recipients) as Channel[]) {
    if (!channels.includes(channel)) {
      throw hubError.invalid(
        HubCode.invalidFallback,
        `fallback.recipients.${channel} is given but ${channel} is not in fallback.channels`,
        `${field}.recipients.${channel}`,
        recipients[channel],
      );
    }
  }
  for (const channel of channels) {
    const given = recipients[channel];
    const problem = recipientProblem(channel, given ?? input.to);
    if (problem) {
      const hint = given === undefined ? `; give one in fallback.recipients.${channel}` : '';
      throw hubError.invalid(
        HubCode.invalidRecipient,
        `Invalid recipient for fallback channel ${channel}: ${problem}${hint}`,
        `${field}.recipients.${channel}`,
        given ?? input.to,
      );
    }
  }
  return {
    channels: [...channels],
    timeoutSeconds: fallback.timeoutSeconds ?? DEFAULT_FALLBACK_TIMEOUT_SECONDS,
    ...(fallback.recipients ? { recipients: { ...recipients } } : {}),
  };
}

/** MessageHub's 429 and 500 for the magic recipients that refuse a send (engine/magic.ts). */
function magicRefusals(engine: Engine, tenant: Tenant): MagicRefusals {
  return {
    // As if this key's window were used up: Retry-After and X-RateLimit-Reset say when it frees.
    rateLimited: () => {
      const now = engine.clock.now();
      const end = windowEnd(now);
      const retryAfter = Math.max(1, Math.ceil((end - now) / 1000));
      return { code: HubCode.rateLimited, message: HubWording.rateLimited, retryAfter, headers: headersFor(rateWindows(tenant)[0]!.limit, 0, end) };
    },
    serverError: { code: HubCode.internalError, message: HubWording.internalError },
  };
}

/** Stores a checked send and makes its first attempt. */
export function storeMessage(
  engine: Engine,
  runner: AttemptRunner,
  tenant: string,
  send: CheckedSend,
  extra: { batchId?: string; distributionId?: string } = {},
): HubMessage {
  const { template: _template, ...content } = send.content;
  const message = hubMessagesOf(engine, tenant).insert({
    id: engine.ids.next('msg_'),
    to: send.to,
    channel: send.channel,
    content,
    ...(send.fallback ? { fallback: send.fallback } : {}),
    attemptIds: [],
    ...extra,
  });
  runner.start(tenant, message);
  return message;
}
