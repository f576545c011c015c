/** What every contract check shares: the target, the spec, the credential and the send budget. */
import { Clock } from '../engine/clock.js';
import type { RouteOperation } from '../http/route-table.js';
import { callApi, type ApiRequest } from './client.js';
import type { AuthParts, ClientProfile } from '../providers/client-profile.js';
import type { ObservedResponse, SpecValidator } from './spec-validator.js';

export type CheckStatus = 'passed' | 'failed' | 'skipped';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  /** Why it was skipped, or what failed in one line. */
  reason?: string;
  expected?: string;
  actual?: string;
  durationMs: number;
}

/** Thrown inside a check to fail it with an expected/actual pair. */
export class CheckFailure extends Error {
  constructor(
    message: string,
    readonly expected?: string,
    readonly actual?: string,
  ) {
    super(message);
  }
}

/** Thrown inside a check to skip it. */
export class CheckSkipped extends Error {}

export interface VerifyOptions {
  baseUrl: string;
  recipients: string[];
  maxSends: number;
  readOnly: boolean;
}

export class ContractContext {
  sendsUsed = 0;
  private recipientIndex = 0;
  /** The id of a message this run sent, for get-one checks. */
  sentMessageId: string | undefined;

  constructor(
    /** The provider's name, for messages. */
    readonly provider: string,
    readonly profile: ClientProfile,
    readonly validator: SpecValidator,
    readonly auth: AuthParts,
    readonly options: VerifyOptions,
    /** Wall time: the suite runs against real services as well as the simulator. */
    readonly clock: Clock = new Clock(),
  ) {}

  call(request: ApiRequest, auth: AuthParts = this.auth): Promise<ObservedResponse> {
    return callApi(this.options.baseUrl, auth, request, this.clock);
  }

  /** Refuses (skips the check) when the run is read-only. */
  requireWrites(): void {
    if (this.options.readOnly) throw new CheckSkipped('--read-only: this check writes');
  }

  /** Takes `n` sends from the budget, or skips the check. */
  reserveSends(n: number): void {
    this.requireWrites();
    if (this.sendsUsed + n > this.options.maxSends) {
      throw new CheckSkipped(`--max-sends ${this.options.maxSends}: needs ${n} more send(s), ${this.sendsUsed} already used`);
    }
    this.sendsUsed += n;
  }

  nextRecipient(): string {
    const r = this.options.recipients[this.recipientIndex % this.options.recipients.length] as string;
    this.recipientIndex++;
    return r;
  }

  operation(method: string, template: string): RouteOperation | undefined {
    return this.validator.operations.find((o) => o.method === method && o.template === template);
  }

  /** Fails unless the status is one of `expected` and the response conforms to the spec. */
  expectConforming(op: RouteOperation, response: ObservedResponse, expected: number[]): void {
    if (!expected.includes(response.status)) {
      throw new CheckFailure(
        `${op.method.toUpperCase()} ${op.template} answered ${response.status}`,
        `status ${expected.join(' or ')}`,
        `status ${response.status}: ${excerpt(response.text)}`,
      );
    }
    const problems = this.validator.checkOperation(op, response);
    if (problems.length) {
      throw new CheckFailure(
        `${op.method.toUpperCase()} ${op.template} → ${response.status} does not match the spec`,
        `a response conforming to ${op.operationId} ${response.status} in the spec`,
        `${problems.join('\n')}\nbody: ${excerpt(response.text)}`,
      );
    }
  }
}

export function excerpt(text: string, max = 500): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Success statuses (2xx) an operation documents, lowest first. */
export function successStatuses(ctx: ContractContext, op: RouteOperation): number[] {
  return ctx.validator
    .documentedStatuses(op)
    .map(Number)
    .filter((s) => s >= 200 && s < 300)
    .sort((a, b) => a - b);
}

/** The item array of a list response: the body itself, or the first array at depth ≤ 2. */
export function listItems(body: unknown): unknown[] | undefined {
  if (Array.isArray(body)) return body as unknown[];
  if (body === null || typeof body !== 'object') return undefined;
  const values = Object.values(body as Record<string, unknown>);
  const direct = values.find(Array.isArray);
  if (direct) return direct as unknown[];
  for (const v of values) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const nested = Object.values(v as Record<string, unknown>).find(Array.isArray);
      if (nested) return nested as unknown[];
    }
  }
  return undefined;
}

/** An item's id: `id`, or the first `…Id` field. */
export function itemId(item: unknown): string | undefined {
  if (item === null || typeof item !== 'object') return undefined;
  const record = item as Record<string, unknown>;
  const key = 'id' in record ? 'id' : Object.keys(record).find((k) => k.endsWith('Id'));
  const v = key ? record[key] : undefined;
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}
