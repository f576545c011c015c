/**
 * Smart fallback ("Auto-retry failed messages on alternative channels. WhatsApp to Telegram to SMS"):
 * a message's attempts are tried one channel at a time. When the current attempt fails, or is not
 * delivered within `fallback.timeoutSeconds` on the simulated clock, the next channel of the chain is
 * tried at once. The last channel has no timeout: its attempt runs its normal course.
 */
import type { Engine } from '../../engine/engine.js';
import { magicOutcome, type MagicOutcome } from '../../engine/magic.js';
import type { SimMessage } from '../../engine/message.js';
import { NAMESPACE } from './auth.js';
import { addressFor, attemptsOf, chainOf, hubMessagesOf, type AttemptData, type HubMessage } from './messages.js';

const DELIVERED_STATES: ReadonlySet<string> = new Set(['delivered', 'read']);

/** The current attempt's timeout, one per message. */
const FALLBACK_TIMEOUT = 'messagehub.fallback-timeout';

export class AttemptRunner {
  constructor(private readonly engine: Engine) {
    engine.jobs.define<{ messageId: string }>(FALLBACK_TIMEOUT, (job) => this.expire(job.tenant, job.payload.messageId));
  }

  /** Follows attempts' status changes (natural, forced through /_sim, or from delivery receipts). */
  subscribe(): () => void {
    return this.engine.events.forNamespace(NAMESPACE).on('message.status', ({ message, to }) => this.onAttemptStatus(message, to));
  }

  /** Makes the first attempt of a freshly stored message. */
  start(tenant: string, message: HubMessage): void {
    this.makeAttempt(tenant, message, 0);
  }

  private makeAttempt(tenant: string, message: HubMessage, index: number): void {
    const chain = chainOf(message);
    const channel = chain[index]!;
    const to = addressFor(message, channel);
    const data: AttemptData = { parentId: message.id, attempt: index + 1, text: message.content.text };
    const attempt = attemptsOf(this.engine, tenant).insert({
      id: this.engine.ids.next('att_'),
      namespace: NAMESPACE,
      tenant,
      channel,
      to,
      status: 'queued',
      outcome: attemptOutcome(to, index),
      history: [{ status: 'queued', at: this.engine.clock.iso() }],
      data: { ...data },
    });
    const hasNext = index + 1 < chain.length;
    const timeoutAt = hasNext ? this.engine.clock.now() + message.fallback!.timeoutSeconds * 1000 : undefined;
    hubMessagesOf(this.engine, tenant).update(message.id, {
      attemptIds: [...message.attemptIds, attempt.id],
      timeoutAt: timeoutAt === undefined ? undefined : new Date(timeoutAt).toISOString(),
    });
    if (timeoutAt !== undefined) this.armTimeout(tenant, message, timeoutAt);
    this.engine.lifecycle.start(attempt);
  }

  private onAttemptStatus(attempt: SimMessage, to: string): void {
    const data = attempt.data as Partial<AttemptData> | undefined;
    if (!data?.parentId) return;
    const message = hubMessagesOf(this.engine, attempt.tenant).get(data.parentId);
    // Only the current attempt drives the chain; earlier ones are finished.
    if (!message || message.attemptIds.at(-1) !== attempt.id) return;
    if (DELIVERED_STATES.has(to)) {
      this.disarm(attempt.tenant, message);
    } else if (to === 'failed') {
      this.disarm(attempt.tenant, message);
      const next = message.attemptIds.length;
      if (next < chainOf(message).length) this.makeAttempt(attempt.tenant, message, next);
    }
  }

  private armTimeout(tenant: string, message: HubMessage, at: number): void {
    this.engine.jobs.schedule({ namespace: NAMESPACE, tenant, kind: FALLBACK_TIMEOUT, key: message.id, at, payload: { messageId: message.id } });
  }

  private disarm(tenant: string, message: HubMessage): void {
    this.engine.jobs.cancel(FALLBACK_TIMEOUT, NAMESPACE, tenant, message.id);
    if (message.timeoutAt) hubMessagesOf(this.engine, tenant).update(message.id, { timeoutAt: undefined });
  }

  /** The current attempt was not delivered in time: it fails, and the status listener tries the next channel. */
  private expire(tenant: string, messageId: string): void {
    const message = hubMessagesOf(this.engine, tenant).get(messageId);
    const attempt = message && attemptsOf(this.engine, tenant).get(message.attemptIds.at(-1) ?? '');
    if (!message || !attempt || DELIVERED_STATES.has(attempt.status) || attempt.status === 'failed') return;
    const seconds = message.fallback?.timeoutSeconds ?? 0;
    this.engine.lifecycle.force(attempt, 'failed', {
      failure: { code: 'fallback_timeout', message: `Not delivered on ${attempt.channel} within ${seconds} s; trying the next channel` },
    });
  }
}

/**
 * The primary attempt follows the recipient's magic outcome (+15005550009 fails it). Later attempts
 * deliver for that number, since exercising the chain is the point; other magic outcomes hold on every
 * channel (a number that always fails fails everywhere). Send-time magic acts only on the request.
 */
function attemptOutcome(to: string, index: number): MagicOutcome {
  const outcome = magicOutcome(to);
  if (index === 0) return outcome;
  return outcome === 'fallback' || outcome === 'rate_limit' || outcome === 'server_error' ? 'deliver' : outcome;
}
