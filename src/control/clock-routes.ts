/** /_sim/clock: read the simulated time, switch mode, fast-forward. */
import type { Router } from 'express';
import { MAX_TIME, type ClockMode } from '../engine/clock.js';
import type { ControlContext } from './context.js';
import { badRequest } from './errors.js';
import { parseDuration } from './params.js';

const MODES: readonly ClockMode[] = ['real', 'manual', 'speed'];

export function registerClockRoutes(router: Router, { engine }: ControlContext): void {
  const { clock } = engine;
  const advanced = (from: number, state: ReturnType<typeof clock.state>) => {
    engine.events.emit('clock', { mode: state.mode, now: state.now, advancedBy: state.nowMs - from });
    return state;
  };

  router.get('/clock', (_req, res) => {
    res.json(clock.state());
  });

  router.put('/clock', (req, res) => {
    const body = (req.body ?? {}) as { mode?: unknown; speed?: unknown };
    if (!MODES.includes(body.mode as ClockMode)) throw badRequest(`mode must be one of ${MODES.join(', ')}`, 'mode', body.mode);
    const mode = body.mode as ClockMode;
    if (mode === 'speed' && (typeof body.speed !== 'number' || !(body.speed > 0) || body.speed > 1_000_000)) {
      throw badRequest('speed mode needs a positive number up to 1000000', 'speed', body.speed);
    }
    clock.setMode(mode, typeof body.speed === 'number' ? body.speed : undefined);
    engine.events.emit('clock', { mode: clock.mode, now: clock.iso() });
    res.json(clock.state());
  });

  /** Body: { by: 5000 | "90s" | "2h" } or { to: "2024-04-09T00:00:00Z" }. */
  router.post('/clock/advance', (req, res) => {
    const body = (req.body ?? {}) as { by?: unknown; to?: unknown };
    if (body.to !== undefined) {
      const target = typeof body.to === 'string' ? Date.parse(body.to) : Number.NaN;
      if (Number.isNaN(target)) throw badRequest('to must be an ISO 8601 timestamp', 'to', body.to);
      if (target < clock.now()) throw badRequest('the clock only moves forward', 'to', body.to);
      if (target > MAX_TIME) throw badRequest('to is past the largest date the clock can hold', 'to', body.to);
      res.json(advanced(clock.now(), clock.advanceTo(target)));
      return;
    }
    if (body.by === undefined) throw badRequest('give "by" (a duration) or "to" (a timestamp)', 'by');
    const by = parseDuration(body.by, 'by');
    if (clock.now() + by > MAX_TIME) throw badRequest('by would move the clock past the largest date it can hold', 'by', body.by);
    res.json(advanced(clock.now(), clock.advance(by)));
  });
}
