/**
 * What a provider's spec says, held against what its Provider object and client profile declare. Each
 * check returns the disagreements (none: consistent), so the parts test can run them all and the shared
 * suite can prove a capability it leaves out really is absent.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
import { isAbsent, type Pagination } from '../../src/providers/client-profile.js';
import type { Provider } from '../../src/providers/provider.js';
import { HTTP_METHODS } from '../../src/http/route-table.js';

export interface Operation {
  method: string;
  template: string;
  operationId: string;
  op: OpenAPIV3.OperationObject;
}

export interface SpecFacts {
  spec: OpenAPIV3.Document;
  operations: Operation[];
}

const cache = new Map<string, Promise<SpecFacts>>();

export function specFacts(file: string): Promise<SpecFacts> {
  let facts = cache.get(file);
  if (!facts) cache.set(file, (facts = read(file)));
  return facts;
}

async function read(file: string): Promise<SpecFacts> {
  const spec = (await SwaggerParser.dereference(file)) as OpenAPIV3.Document;
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(spec.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const op = item?.[method];
      if (op) operations.push({ method, template, operationId: op.operationId ?? `${method} ${template}`, op });
    }
  }
  return { spec, operations };
}

export const find = (facts: SpecFacts, method: string, template: string) => facts.operations.find((o) => o.method === method && o.template === template);

/** Path-level and operation-level parameters of one place (`in`). */
function params(facts: SpecFacts, o: Operation, where: string): string[] {
  const item = facts.spec.paths[o.template] as OpenAPIV3.PathItemObject;
  return [...(item.parameters ?? []), ...(o.op.parameters ?? [])]
    .map((p) => p as OpenAPIV3.ParameterObject)
    .filter((p) => p.in === where)
    .map((p) => (where === 'header' ? p.name.toLowerCase() : p.name));
}

function bodyProperties(o: Operation): string[] {
  const schema = (o.op.requestBody as OpenAPIV3.RequestBodyObject | undefined)?.content?.['application/json']?.schema as OpenAPIV3.SchemaObject | undefined;
  return Object.keys(schema?.properties ?? {});
}

function documented(o: Operation, status: number): OpenAPIV3.ResponseObject | undefined {
  return o.op.responses[String(status)] as OpenAPIV3.ResponseObject | undefined;
}

/** The GET a credential check can use: the list the profile pages, else the get-one of a message. */
export function probeTemplate(provider: Provider): string {
  const { pagination, messageTemplate } = provider.profile;
  return isAbsent(pagination) ? messageTemplate : pagination.path;
}

/** The send and the get-one the profile names are documented. */
export function routeProblems(provider: Provider, facts: SpecFacts): string[] {
  const { profile } = provider;
  const problems: string[] = [];
  if (!find(facts, 'post', profile.send.path)) problems.push(`profile.send.path: the spec documents no POST ${profile.send.path}`);
  const get = find(facts, 'get', profile.messageTemplate);
  if (!get) problems.push(`profile.messageTemplate: the spec documents no GET ${profile.messageTemplate}`);
  else if (params(facts, get, 'path').length !== 1) problems.push(`profile.messageTemplate: ${profile.messageTemplate} must take exactly one path parameter`);
  return problems;
}

function pagedListProblems(facts: SpecFacts, p: Pagination): string[] {
  const list = find(facts, 'get', p.path);
  if (!list) return [`profile.pagination.path: the spec documents no GET ${p.path}`];
  const position = p.style === 'page' ? p.pageParam : p.style === 'offset' ? p.offsetParam : p.cursorParam;
  const query = params(facts, list, 'query');
  return [p.limitParam, position]
    .filter((name) => !query.includes(name))
    .map((name) => `profile.pagination: GET ${p.path} documents no query parameter ${name}`);
}

const POSITION_PARAM = /^(page|offset|cursor|after|before|starting_after|ending_before|page_token)$/i;

/** A provider that pages declares how; one that does not documents no list with a page position. */
export function paginationProblems(provider: Provider, facts: SpecFacts): string[] {
  if (!isAbsent(provider.profile.pagination)) return pagedListProblems(facts, provider.profile.pagination);
  return facts.operations
    .filter((o) => o.method === 'get' && params(facts, o, 'query').some((name) => POSITION_PARAM.test(name)))
    .map(
      (o) =>
        `profile.pagination is declared absent, but GET ${o.template} pages (${params(facts, o, 'query')
          .filter((n) => POSITION_PARAM.test(n))
          .join(', ')})`,
    );
}

/**
 * Idempotency is declared exactly where the spec documents the header: the operations with an
 * Idempotency-Key parameter are Provider.idempotentOperations, the send among them when the profile
 * declares it, and none when it declares it absent.
 */
export function idempotencyProblems(provider: Provider, facts: SpecFacts): string[] {
  const declared = provider.profile.idempotency;
  const header = (isAbsent(declared) ? 'Idempotency-Key' : declared.header).toLowerCase();
  const inSpec = facts.operations
    .filter((o) => params(facts, o, 'header').includes(header))
    .map((o) => o.operationId)
    .sort();
  const served = [...(provider.idempotentOperations ?? [])].sort();
  const problems: string[] = [];
  if (JSON.stringify(inSpec) !== JSON.stringify(served)) {
    problems.push(
      `operations documenting ${header} (${inSpec.join(', ') || 'none'}) differ from Provider.idempotentOperations (${served.join(', ') || 'none'})`,
    );
  }
  if (isAbsent(declared)) {
    if (inSpec.length)
      problems.push(`profile.idempotency is declared absent, but ${inSpec.join(', ')} ${inSpec.length === 1 ? 'documents' : 'document'} ${header}`);
    return problems;
  }
  const send = find(facts, 'post', provider.profile.send.path);
  if (send && !inSpec.includes(send.operationId)) problems.push(`profile.idempotency is declared, but the send (${send.operationId}) documents no ${header}`);
  const replayed = send && Object.keys(documentedSuccess(send)?.headers ?? {}).map((h) => h.toLowerCase());
  if (replayed && !replayed.includes(declared.replayedHeader.toLowerCase())) problems.push(`the send's success documents no ${declared.replayedHeader} header`);
  return problems;
}

function documentedSuccess(o: Operation): OpenAPIV3.ResponseObject | undefined {
  const status = Object.keys(o.op.responses).find((s) => /^2\d\d$/.test(s));
  return status ? (o.op.responses[status] as OpenAPIV3.ResponseObject) : undefined;
}

/** Limits are declared in the profile exactly when the Provider enforces some, and then every 429 the probe and the send may answer documents Retry-After. */
export function rateLimitProblems(provider: Provider, facts: SpecFacts): string[] {
  const declared = !isAbsent(provider.profile.rateLimits);
  const enforced = provider.rateLimits !== undefined;
  if (declared !== enforced)
    return [`profile.rateLimits is ${declared ? 'declared' : 'declared absent'}, but Provider.rateLimits is ${enforced ? 'set' : 'not set'}`];
  if (!enforced) return [];
  return [find(facts, 'get', probeTemplate(provider)), find(facts, 'post', provider.profile.send.path)]
    .filter((o): o is Operation => o !== undefined)
    .filter((o) => !Object.keys(documented(o, 429)?.headers ?? {}).some((h) => h.toLowerCase() === 'retry-after'))
    .map((o) => `${o.operationId} documents no 429 with a Retry-After header`);
}

const CALLBACK_FIELD = /^(url|callback_?url|webhook_?url|notify_?url|status_?callback)$/i;

/**
 * Webhooks are declared the way the spec offers them: a subscription route taking what the profile sends,
 * or a callback field on the send that documents its callbacks. A provider that declares none documents
 * no callbacks and takes no callback URL anywhere.
 */
export function webhookProblems(provider: Provider, facts: SpecFacts): string[] {
  const declared = provider.profile.webhooks;
  const url = 'http://127.0.0.1:9/hooks';
  if (isAbsent(declared)) {
    return facts.operations.flatMap((o) => [
      ...(o.op.callbacks ? [`profile.webhooks is declared absent, but ${o.operationId} documents callbacks`] : []),
      ...bodyProperties(o)
        .filter((name) => CALLBACK_FIELD.test(name))
        .map((name) => `profile.webhooks is declared absent, but ${o.operationId} takes ${name}`),
    ]);
  }
  if (declared.via === 'subscription') {
    const { path, body } = declared.subscribe(url);
    const subscribe = find(facts, 'post', path);
    if (!subscribe) return [`profile.webhooks.subscribe: the spec documents no POST ${path}`];
    const known = bodyProperties(subscribe);
    return Object.keys(body)
      .filter((name) => !known.includes(name))
      .map((name) => `profile.webhooks.subscribe sends ${name}, which POST ${path} does not document`);
  }
  const send = find(facts, 'post', provider.profile.send.path);
  if (!send) return [];
  return [
    ...(bodyProperties(send).includes(declared.field) ? [] : [`the send documents no ${declared.field}`]),
    ...(send.op.callbacks ? [] : [`the send takes ${declared.field} but documents no callbacks`]),
  ];
}

/**
 * Revocation is declared with the magic credentials that come with it: a fixture key marked `invalid`
 * and one marked `revoked`, and the status it declares documented on the probe and the send. A provider
 * that declares it absent ships no revoked key.
 */
export function revocationProblems(provider: Provider, facts: SpecFacts): string[] {
  const declared = provider.profile.revocation;
  if (declared === undefined) return [];
  const keys = provider.fixtureKeys ?? [];
  const marked = (property: string) => keys.some((k) => k.properties[property] === true);
  if (isAbsent(declared)) return marked('revoked') ? ['profile.revocation is declared absent, but a fixture key is marked revoked'] : [];
  return [
    ...(['invalid', 'revoked'] as const).filter((p) => !marked(p)).map((p) => `profile.revocation is declared, but no fixture key is marked ${p}`),
    ...[find(facts, 'get', probeTemplate(provider)), find(facts, 'post', provider.profile.send.path)]
      .filter((o): o is Operation => o !== undefined)
      .filter((o) => !documented(o, declared.status))
      .map((o) => `${o.operationId} documents no ${declared.status}, the status profile.revocation declares`),
  ];
}

/** Every disagreement between the profile, the Provider and the spec. */
export function declarationProblems(provider: Provider, facts: SpecFacts): string[] {
  return [
    ...routeProblems(provider, facts),
    ...paginationProblems(provider, facts),
    ...idempotencyProblems(provider, facts),
    ...rateLimitProblems(provider, facts),
    ...webhookProblems(provider, facts),
    ...revocationProblems(provider, facts),
  ];
}
