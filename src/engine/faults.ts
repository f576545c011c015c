/**
 * Fault rules: which requests misbehave and how. Names follow WireMock's, familiar to QA
 * (EMPTY_RESPONSE, MALFORMED_RESPONSE_CHUNK, RANDOM_DATA_THEN_CLOSE, CONNECTION_RESET_BY_PEER; delays
 * fixed, uniform, log-normal, chunked dribble), plus TIMEOUT (hang) and TRUNCATED_RESPONSE. Dice come
 * from a generator of their own, seeded from the run's seed, so a run with the same seed and the same
 * requests fails the same requests. The engine only decides; the HTTP layer acts.
 */
import { SimError } from './errors.js';
import { compileGlob, type GlobMatcher } from './glob.js';
import type { IdGenerator } from './random.js';
import { SeededRandom } from './random.js';

export const FAULT_KINDS = [
  'EMPTY_RESPONSE',
  'MALFORMED_RESPONSE_CHUNK',
  'RANDOM_DATA_THEN_CLOSE',
  'CONNECTION_RESET_BY_PEER',
  'TRUNCATED_RESPONSE',
  'TIMEOUT',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export type DelaySpec =
  | { fixed: number }
  | { uniform: { lower: number; upper: number } }
  | { lognormal: { median: number; sigma: number } }
  | { chunked: { chunks: number; totalMs: number } };

export interface FaultAction {
  /** Answer this error status with the provider's own error body. */
  status?: number;
  /** Wait before answering (or dribble the body out, for `chunked`). */
  delay?: DelaySpec;
  /** Misbehave at the connection level. */
  fault?: FaultKind;
}

export interface FaultMatch {
  provider?: string;
  method?: string;
  /** Path below the provider's base path; `*` matches one segment, `**` any number. */
  path?: string;
  tenant?: string;
}

export interface FaultRuleInput extends FaultMatch {
  action: FaultAction;
  /** Chance that a matching request is hit, 0 < p ≤ 1 (default 1). */
  probability?: number;
  /** Hit only this many requests, then stop ("the next 3 sends fail"). */
  count?: number;
}

export interface FaultRule extends FaultRuleInput {
  id: string;
  /** How often the rule has fired. */
  hits: number;
  /** Hits left for a counted rule; null for an unlimited one. */
  remaining: number | null;
  createdAt: string;
}

export interface FaultRequest {
  provider: string;
  method: string;
  path: string;
  tenant?: string;
}

const MAX_DELAY_MS = 120_000;
/** Longer than any real path below a base path; bounds the matcher's work per request and rule. */
export const MAX_RULE_PATH_LENGTH = 1_024;

export class FaultInjector {
  private rules: FaultRule[] = [];
  private dice: SeededRandom;

  constructor(
    private readonly ids: IdGenerator,
    seed: number,
    private readonly now: () => string,
  ) {
    this.dice = new SeededRandom(diceSeed(seed));
  }

  /** Restarts the dice, so the same requests after a reseed meet the same faults. */
  reseed(seed: number): void {
    this.dice = new SeededRandom(diceSeed(seed));
  }

  add(input: FaultRuleInput): FaultRule {
    validateRule(input);
    const rule: FaultRule = {
      ...input,
      ...(input.method ? { method: input.method.toUpperCase() } : {}),
      id: this.ids.next('flt_'),
      hits: 0,
      remaining: input.count ?? null,
      createdAt: this.now(),
    };
    this.rules.push(rule);
    return rule;
  }

  list(): readonly FaultRule[] {
    return this.rules;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length < before;
  }

  clear(provider?: string): void {
    this.rules = provider ? this.rules.filter((r) => r.provider !== provider) : [];
  }

  /** Where the dice are in their sequence: a state export keeps it, so a restored run rolls the same. */
  get dicePosition(): number {
    return this.dice.position;
  }

  set dicePosition(position: number) {
    this.dice.position = position;
  }

  /**
   * Rules a state import brings back, as they were (ids, hits, what remains): they replace every rule,
   * or those of one provider. Checked by `validateRule` and `validateStoredRule` first.
   */
  restore(rules: readonly FaultRule[], provider?: string): void {
    this.clear(provider);
    this.rules.push(...rules);
  }

  /** The action of the first live rule that matches and wins its roll; counts the hit. */
  match(request: FaultRequest): FaultAction | undefined {
    for (const rule of this.rules) {
      if (rule.remaining === 0 || !matches(rule, request)) continue;
      if (rule.probability !== undefined && rule.probability < 1 && this.dice.next() >= rule.probability) continue;
      rule.hits++;
      if (rule.remaining !== null) rule.remaining--;
      return rule.action;
    }
    return undefined;
  }

  /** Milliseconds to wait for a delay spec (chunked: the whole dribble). */
  sampleDelay(spec: DelaySpec): number {
    if ('fixed' in spec) return spec.fixed;
    if ('uniform' in spec) return spec.uniform.lower + this.dice.next() * (spec.uniform.upper - spec.uniform.lower);
    if ('lognormal' in spec) {
      // Box-Muller on the seeded dice: ln(delay) ~ N(ln(median), sigma).
      const u = Math.max(this.dice.next(), Number.EPSILON);
      const v = this.dice.next();
      const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      return Math.min(MAX_DELAY_MS, spec.lognormal.median * Math.exp(spec.lognormal.sigma * normal));
    }
    return spec.chunked.totalMs;
  }

  /** Seeded bytes for RANDOM_DATA_THEN_CLOSE. */
  randomBytes(length: number): Buffer {
    const bytes = Buffer.alloc(length);
    for (let i = 0; i < length; i++) bytes[i] = this.dice.int(256);
    return bytes;
  }
}

function diceSeed(seed: number): number {
  return (seed ^ 0x5eed_fa17) >>> 0;
}

/** Each rule's compiled path glob, made once when the rule is added. */
const pathMatchers = new WeakMap<FaultMatch, GlobMatcher>();

function matches(rule: FaultMatch, request: FaultRequest): boolean {
  if (rule.provider && rule.provider !== request.provider) return false;
  if (rule.method && rule.method !== request.method.toUpperCase()) return false;
  if (rule.tenant && rule.tenant !== request.tenant) return false;
  if (rule.path) {
    let matcher = pathMatchers.get(rule);
    if (!matcher) pathMatchers.set(rule, (matcher = compileGlob(rule.path)));
    if (!matcher.test(request.path)) return false;
  }
  return true;
}

/**
 * The glob as a RegExp: the reference for what a glob means (tests compare compileGlob with it on small
 * inputs). Never used to match requests: it backtracks exponentially on patterns like `*a*a*a*a*b`.
 */
export function globToRegExp(glob: string): RegExp {
  const source = glob
    .split(/(\*\*|\*)/)
    .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}/?$`);
}

function invalid(message: string, field: string, value?: unknown): SimError {
  return new SimError({ kind: 'invalid_request', message, field, ...(value !== undefined ? { value } : {}) });
}

/** Refuses rules that could never fire or that would break the server (negative delays, 2xx "faults"). */
const RULE_FIELDS = new Set(['provider', 'method', 'path', 'tenant', 'probability', 'count', 'action']);
const ACTION_FIELDS = new Set(['status', 'delay', 'fault']);

export function validateRule(input: FaultRuleInput): void {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw invalid('a rule is an object', 'body');
  // A typo ("cout": 3) must not silently make an unlimited rule.
  const unknown = Object.keys(input).find((k) => !RULE_FIELDS.has(k));
  if (unknown) throw invalid(`unknown field ${unknown}; a rule has ${[...RULE_FIELDS].join(', ')}`, unknown);
  const { action } = input;
  if (!action || typeof action !== 'object' || Array.isArray(action)) throw invalid('action is required', 'action');
  const unknownAction = Object.keys(action).find((k) => !ACTION_FIELDS.has(k));
  if (unknownAction) throw invalid(`unknown field action.${unknownAction}; an action has status, delay, fault`, `action.${unknownAction}`);
  if (action.status === undefined && action.delay === undefined && action.fault === undefined) {
    throw invalid('action needs status, delay or fault', 'action');
  }
  if (action.status !== undefined && (!Number.isInteger(action.status) || action.status < 400 || action.status > 599)) {
    throw invalid('action.status must be an error status from 400 to 599', 'action.status', action.status);
  }
  if (action.fault !== undefined && !FAULT_KINDS.includes(action.fault)) {
    throw invalid(`action.fault must be one of ${FAULT_KINDS.join(', ')}`, 'action.fault', action.fault);
  }
  if (action.delay !== undefined) validateDelay(action.delay);
  if (input.probability !== undefined && !(typeof input.probability === 'number' && input.probability > 0 && input.probability <= 1)) {
    throw invalid('probability must be a number in (0, 1]', 'probability', input.probability);
  }
  if (input.count !== undefined && !(Number.isInteger(input.count) && input.count > 0)) {
    throw invalid('count must be a positive integer', 'count', input.count);
  }
  for (const field of ['provider', 'method', 'path', 'tenant'] as const) {
    const value = input[field];
    if (value !== undefined && (typeof value !== 'string' || value === '')) throw invalid(`${field} must be a non-empty string`, field, value);
  }
  if (input.path !== undefined && input.path.length > MAX_RULE_PATH_LENGTH)
    throw invalid(`path must be at most ${MAX_RULE_PATH_LENGTH} characters`, 'path', `${input.path.slice(0, 64)}…`);
}

/** A rule as a state export wrote it: a valid input plus the bookkeeping `add` gave it. */
export function validateStoredRule(rule: FaultRule): void {
  const { id, hits, remaining, createdAt, ...input } = rule;
  validateRule(input);
  if (typeof id !== 'string' || id === '') throw invalid('id must be a non-empty string', 'id', id);
  if (!Number.isInteger(hits) || hits < 0) throw invalid('hits must be a non-negative integer', 'hits', hits);
  if (remaining !== null && !(Number.isInteger(remaining) && remaining >= 0))
    throw invalid('remaining must be null or a non-negative integer', 'remaining', remaining);
  if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt))) throw invalid('createdAt must be an ISO time', 'createdAt', createdAt);
}

function validateDelay(delay: DelaySpec): void {
  if (!delay || typeof delay !== 'object' || Array.isArray(delay)) throw invalid('action.delay must be an object', 'action.delay', delay);
  const ms = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_DELAY_MS;
  if ('fixed' in delay && ms(delay.fixed)) return;
  if ('uniform' in delay && ms(delay.uniform?.lower) && ms(delay.uniform?.upper) && delay.uniform.lower <= delay.uniform.upper) return;
  if (
    'lognormal' in delay &&
    ms(delay.lognormal?.median) &&
    typeof delay.lognormal.sigma === 'number' &&
    delay.lognormal.sigma >= 0 &&
    delay.lognormal.sigma <= 5
  )
    return;
  if ('chunked' in delay && Number.isInteger(delay.chunked?.chunks) && delay.chunked.chunks >= 1 && delay.chunked.chunks <= 1000 && ms(delay.chunked.totalMs))
    return;
  throw invalid(
    `action.delay must be {fixed}, {uniform:{lower,upper}}, {lognormal:{median,sigma}} or {chunked:{chunks,totalMs}}, in ms up to ${MAX_DELAY_MS}`,
    'action.delay',
    delay,
  );
}
