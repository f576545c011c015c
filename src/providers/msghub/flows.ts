/**
 * Flows: automated sequences authored in Msghub's UI, so the API only lists, reads and triggers them.
 * Every tenant starts with the fixture flows; a trigger runs the steps on the clock (waits included)
 * and sends each message through the same path as POST /messages/send.
 */
import type { Engine } from '../../engine/engine.js';
import { isoSeconds } from '../../engine/iso-seconds.js';
import type { BaseRecord } from '../../engine/store.js';
import type { HandlerRequest, HandlerResult } from '../provider.js';
import { addressKind, checkRecipient } from './channels.js';
import { findContact } from './contacts.js';
import { MsghubCode, msghubError } from './errors.js';
import { MSGHUB_FIXTURES, renderPlaceholders, type FlowFixture } from './fixtures.js';
import { pageOf, queryString } from './listing.js';
import { createMessage, NAMESPACE, prepareSend } from './messages.js';

interface FlowRecord extends BaseRecord, Omit<FlowFixture, 'flowId'> {}

interface ExecutionRecord extends BaseRecord {
  flowId: string;
  to: string;
  status: 'running' | 'completed';
  messageIds: string[];
}

export function flowsOf(engine: Engine, tenant: string) {
  const flows = engine.store.collection<FlowRecord>(NAMESPACE, tenant, 'flows');
  if (flows.size === 0 && !engine.store.collection<BaseRecord>(NAMESPACE, tenant, 'flags').get('flows-seeded')) {
    for (const { flowId, ...flow } of MSGHUB_FIXTURES.flows) flows.insert({ id: flowId, ...flow });
    engine.store.collection<BaseRecord>(NAMESPACE, tenant, 'flags').insert({ id: 'flows-seeded' });
  }
  return flows;
}

function flowView(flow: FlowRecord) {
  return {
    flowId: flow.id,
    name: flow.name,
    description: flow.description,
    status: flow.status,
    trigger: flow.trigger,
    steps: flow.steps,
    createdAt: isoSeconds(flow.createdAt),
    updatedAt: isoSeconds(flow.updatedAt),
  };
}

export function flowHandlers(engine: Engine) {
  const find = (tenant: string, id: string): FlowRecord => {
    const flow = flowsOf(engine, tenant).get(id);
    if (!flow) throw msghubError.notFound(MsghubCode.flowNotFound, 'Flow does not exist', 'flowId', id);
    return flow;
  };

  return {
    listFlows(req: HandlerRequest): HandlerResult {
      const status = queryString(req.query, 'status');
      const filter = status ? (f: FlowRecord) => f.status === status : undefined;
      return { status: 200, body: pageOf(flowsOf(engine, req.tenant.id), filter, req.query, flowView) };
    },

    getFlow(req: HandlerRequest): HandlerResult {
      return { status: 200, body: flowView(find(req.tenant.id, req.params.flowId!)) };
    },

    triggerFlow(req: HandlerRequest): HandlerResult {
      const tenant = req.tenant.id;
      const flow = find(tenant, req.params.flowId!);
      const input = req.body as { to: string; contactId?: string; variables?: Record<string, string> };
      if (flow.status !== 'active') throw msghubError.conflict(MsghubCode.flowInactive, `Flow ${flow.id} is inactive`, 'flowId', flow.id);
      const contact = input.contactId ? findContact(engine, tenant, input.contactId) : undefined;
      const variables = { ...(contact ? { name: contact.name } : {}), ...input.variables };
      for (const step of flow.steps) {
        if (step.type !== 'send_message' || !step.channel) continue;
        checkRecipient(step.channel, input.to, 'to');
        const missing = renderPlaceholders(step.body ?? '', variables).missing;
        if (missing.length > 0) throw msghubError.invalid(`variables is missing ${missing.join(', ')}`, `variables.${missing[0]}`);
      }
      const execution = executionsOf(engine, tenant).insert({ id: engine.ids.next('exe_'), flowId: flow.id, to: input.to, status: 'running', messageIds: [] });
      runSteps(engine, tenant, flow, execution, variables);
      return {
        status: 202,
        body: { executionId: execution.id, flowId: flow.id, to: execution.to, status: execution.status, startedAt: isoSeconds(execution.createdAt) },
      };
    },
  };
}

const FLOW_STEP = 'msghub.flow-step';

/** The steps of a triggered flow after a wait, and its completion, as engine jobs (they survive a restart). */
export function defineFlowJobs(engine: Engine): void {
  engine.jobs.define<{ executionId: string; step: number | 'done'; variables: Record<string, string> }>(FLOW_STEP, ({ tenant, payload }) => {
    const execution = executionsOf(engine, tenant).get(payload.executionId);
    if (!execution) return;
    if (payload.step === 'done') {
      executionsOf(engine, tenant).update(execution.id, { status: 'completed' });
      return;
    }
    const flow = flowsOf(engine, tenant).get(execution.flowId);
    if (flow) runStep(engine, tenant, flow, execution, payload.step, payload.variables);
  });
}

function executionsOf(engine: Engine, tenant: string) {
  return engine.store.collection<ExecutionRecord>(NAMESPACE, tenant, 'executions');
}

/** Runs each step at its cumulative delay (those without a wait at once); the execution completes after the last one. */
function runSteps(engine: Engine, tenant: string, flow: FlowRecord, execution: ExecutionRecord, variables: Record<string, string>): void {
  let delayMs = 0;
  const later = (step: number | 'done') => {
    engine.jobs.schedule({
      namespace: NAMESPACE,
      tenant,
      kind: FLOW_STEP,
      key: `${execution.id}#${step}`,
      at: engine.clock.now() + delayMs,
      payload: { executionId: execution.id, step, variables },
    });
  };
  flow.steps.forEach((step, index) => {
    if (step.type === 'wait') {
      delayMs += (step.delaySeconds ?? 0) * 1000;
      return;
    }
    if (delayMs === 0) runStep(engine, tenant, flow, execution, index, variables);
    else later(index);
  });
  if (delayMs === 0) executionsOf(engine, tenant).update(execution.id, { status: 'completed' });
  else later('done');
}

function runStep(engine: Engine, tenant: string, flow: FlowRecord, execution: ExecutionRecord, index: number, variables: Record<string, string>): void {
  const step = flow.steps[index];
  const channel = step?.channel;
  if (!step || step.type !== 'send_message' || !channel || addressKind(channel) === 'platform') return;
  const input = { channel, to: execution.to, body: renderPlaceholders(step.body ?? '', variables).text, flowId: flow.id };
  let text: { body: string; subject?: string };
  try {
    text = prepareSend(engine, tenant, input);
  } catch {
    // A channel disconnected since the trigger: the real service skips the step.
    return;
  }
  execution.messageIds.push(createMessage(engine, tenant, input, text).id);
  executionsOf(engine, tenant).touch(execution);
}
