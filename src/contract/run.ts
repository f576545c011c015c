/** Runs the contract suite for one provider against a base URL and returns one result per check. */
import type { Credentials } from '../providers/client-profile.js';
import { PROVIDERS } from '../providers/index.js';
import { authChecks, getChecks, listChecks, rateLimitCheck, type NamedCheck } from './checks-read.js';
import { cursorStabilityCheck, paginationCheck } from './checks-pagination.js';
import { badInputChecks, idempotencyCheck, sendCheck } from './checks-write.js';
import { CheckFailure, CheckSkipped, ContractContext, type CheckResult, type VerifyOptions } from './context.js';
import { SpecValidator } from './spec-validator.js';

export interface VerifyRun extends VerifyOptions {
  provider: string;
  credentials?: Credentials;
}

export interface VerifyReport {
  provider: string;
  baseUrl: string;
  results: CheckResult[];
  sendsUsed: number;
}

/** The magic recipient the simulator delivers normally. */
export const DEFAULT_RECIPIENT = '+15005550000';

export async function runVerify(run: VerifyRun): Promise<VerifyReport> {
  const provider = PROVIDERS.find((p) => p.name === run.provider);
  if (!provider) throw new Error(`unknown provider ${run.provider}`);
  const { profile } = provider;
  const validator = await SpecValidator.load(provider.specFile);
  const credentials = run.credentials && Object.values(run.credentials).some(Boolean) ? run.credentials : profile.defaultCredentials;
  const ctx = new ContractContext(provider.name, profile, validator, profile.auth(credentials), {
    baseUrl: run.baseUrl,
    recipients: run.recipients.length ? run.recipients : [DEFAULT_RECIPIENT],
    maxSends: run.maxSends,
    readOnly: run.readOnly,
  });
  // The send runs first, so get-one checks have a message and pagination has something to page.
  const checks: NamedCheck[] = [
    sendCheck,
    ...listChecks(ctx),
    ...getChecks(ctx),
    ...authChecks,
    ...badInputChecks,
    rateLimitCheck,
    idempotencyCheck,
    paginationCheck,
    cursorStabilityCheck,
  ];
  const results: CheckResult[] = [];
  for (const check of checks) results.push(await runOne(check, ctx));
  return { provider: run.provider, baseUrl: run.baseUrl, results, sendsUsed: ctx.sendsUsed };
}

async function runOne(check: NamedCheck, ctx: ContractContext): Promise<CheckResult> {
  const started = ctx.clock.realNow();
  const done = (r: Omit<CheckResult, 'name' | 'durationMs'>): CheckResult => ({
    name: check.name,
    durationMs: Math.round(ctx.clock.realNow() - started),
    ...r,
  });
  try {
    await check.run(ctx);
    return done({ status: 'passed' });
  } catch (err) {
    if (err instanceof CheckSkipped) return done({ status: 'skipped', reason: err.message });
    if (err instanceof CheckFailure) {
      return done({
        status: 'failed',
        reason: err.message,
        ...(err.expected !== undefined ? { expected: err.expected } : {}),
        ...(err.actual !== undefined ? { actual: err.actual } : {}),
      });
    }
    return done({ status: 'failed', reason: `request failed: ${err instanceof Error ? err.message : String(err)}` });
  }
}
