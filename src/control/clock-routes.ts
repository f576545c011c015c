/** /_sim/clock: read the simulated time, switch mode, fast-forward. */
import type { Router } from 'express';
import { LATEST_TIME, type AdvanceTarget, type ClockMode } from '../engine/clock.js';
import type { ControlContext } from './context.js';
import { badRequest } from './errors.js';
import { parseDuration } from './params.js';

const MODES: readonly ClockMode[] = ['real', 'manual', 'speed'];

export function registerClockRoutes(router: Router, { engine }: ControlContext): void {
  const { clock } = engine;

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

  /**
   * Body: { by: 5000 | "90s" | "2h" } or { to: "2024-04-09T00:00:00Z" }. Runs in slices (the server keeps
   * answering meanwhile); an advance sent while another runs waits for it, then goes from where it ended.
   */
  router.post('/clock/advance', async (req, res) => {
    const body = (req.body ?? {}) as { by?: unknown; to?: unknown };
    const { target, field, value } = readTarget(body, clock.now());
    let result;
    try {
      result = await clock.advanceInSlices(target);
    } catch (error) {
      // Checked again when its turn comes: behind another advance, a `to` may have fallen into the past.
      if (error instanceof RangeError) throw badRequest(error.message, field, value);
      throw error;
    }
    const { state, from, fired } = result;
    const advancedBy = state.nowMs - from;
    // Simulated time is state a restart keeps: the answer waits for it to be written, events or not.
    if (advancedBy > 0) engine.store.changedFacts();
    engine.events.emit('clock', { mode: state.mode, now: state.now, advancedBy });
    res.json({ ...state, advancedBy, firedEvents: fired });
  });
}

const LATEST = new Date(LATEST_TIME).toISOString();

/** The advance a body asks for, checked against `now` so that a bad one is refused before it queues. */
function readTarget(body: { by?: unknown; to?: unknown }, now: number): { target: AdvanceTarget; field: string; value: unknown } {
  if (body.to !== undefined) {
    const to = typeof body.to === 'string' ? Date.parse(body.to) : Number.NaN;
    if (Number.isNaN(to)) throw badRequest('to must be an ISO 8601 timestamp', 'to', body.to);
    if (to < now) throw badRequest('the clock only moves forward', 'to', body.to);
    if (to > LATEST_TIME) throw badRequest(`to must not be after ${LATEST}, the latest time the clock reaches`, 'to', body.to);
    return { target: { to }, field: 'to', value: body.to };
  }
  if (body.by === undefined) throw badRequest('give "by" (a duration) or "to" (a timestamp)', 'by');
  // Whole milliseconds, as the clock counts: a fraction would give a nowMs that is not an integer.
  const by = Math.round(parseDuration(body.by, 'by'));
  if (now + by > LATEST_TIME) throw badRequest(`by would move the clock past ${LATEST}, the latest time it reaches`, 'by', body.by);
  return { target: { by }, field: 'by', value: body.by };
}
