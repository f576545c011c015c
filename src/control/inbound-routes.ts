/** /_sim/inbound/{provider}: simulate a recipient replying, for providers that receive messages. */
import type { Router } from 'express';
import type { ControlContext } from './context.js';
import { badRequest, notFound } from './errors.js';

export function registerInboundRoutes(router: Router, { providers }: ControlContext): void {
  /** Body: { tenant, from, text, ...provider extras }. */
  router.post('/inbound/:provider', (req, res) => {
    const mounted = providers.get(req.params.provider);
    if (!mounted) throw notFound(`No provider ${req.params.provider}`);
    if (!mounted.instance.receiveInbound) throw notFound(`${req.params.provider} does not receive inbound messages`);
    const { tenant, ...input } = (req.body ?? {}) as Record<string, unknown>;
    if (typeof tenant !== 'string' || tenant === '') throw badRequest('tenant must name the account (as shown in /_sim/messages)', 'tenant', tenant);
    if (typeof input.from !== 'string' || input.from === '') throw badRequest('from must be the sender', 'from', input.from);
    if (typeof input.text !== 'string') throw badRequest('text must be a string', 'text', input.text);
    res.status(201).json(mounted.instance.receiveInbound(tenant, input as { from: string; text: string }));
  });
}
