/**
 * Durations as people write them: milliseconds as a number, or a string such as "500ms", "30s", "5m",
 * "2h", "1d", "1h30m". One reader for the control API (`{"by":"90s"}`) and the library
 * (`sim.clock.advance('3s')`).
 */
export type Duration = number | string;

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds, or undefined when `input` is not a finite, non-negative duration. */
export function durationMs(input: unknown): number | undefined {
  const ms = read(input);
  // A string of 400 digits is a number too: Infinity, which no clock or timer can use.
  return ms !== undefined && Number.isFinite(ms) ? ms : undefined;
}

function read(input: unknown): number | undefined {
  if (typeof input === 'number') return input >= 0 ? input : undefined;
  if (typeof input !== 'string') return undefined;
  const text = input.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text.replace(/\s+/g, '')) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!]!, 0);
}
