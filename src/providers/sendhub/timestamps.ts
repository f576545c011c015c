/**
 * SendHub's time formats. Tastypie serialises naive datetimes with Python's isoformat(), so:
 *   - created_at and sent carry microseconds ("2012-02-17T15:36:36.639968"; the simulated clock has
 *     milliseconds, padded to six digits);
 *   - scheduled_at is whole seconds ("2011-02-17T22:30:00": Python drops a zero microsecond);
 *   - the acknowledgment writes the schedule as "2011-02-17 22:30:00".
 * All are UTC without an offset, as the doc's note says ("returned in UTC").
 */

/** "2024-04-08T10:30:00.123Z" → "2024-04-08T10:30:00.123000". */
export function naiveMicros(iso: string): string {
  const [seconds, fraction = '000'] = iso.replace(/Z$/, '').split('.');
  return `${seconds}.${fraction.padEnd(6, '0').slice(0, 6)}`;
}

/** "2011-02-17T22:30:00.000Z" → "2011-02-17T22:30:00". */
export function naiveSeconds(iso: string): string {
  return iso.slice(0, 19);
}

/** "2011-02-17T22:30:00.000Z" → "2011-02-17 22:30:00" (the acknowledgment's wording). */
export function spacedSeconds(iso: string): string {
  return naiveSeconds(iso).replace('T', ' ');
}

/** The doc's form: exactly 24 characters, e.g. 2011-02-17T20:29:40-0800. */
const SCHEDULED_AT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([+-])(\d{2})(\d{2})$/;

/**
 * Parses scheduled_at to an ISO UTC instant; undefined when the shape is wrong or the date does not
 * exist (2011-02-30, 25:00, offset minutes ≥ 60), as Python's strptime with %z would refuse it.
 */
export function parseScheduledAt(text: string): string | undefined {
  const m = SCHEDULED_AT.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second, sign, offsetHours, offsetMinutes] = [
    Number(m[1]),
    Number(m[2]),
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    m[7],
    Number(m[8]),
    Number(m[9]),
  ];
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(local);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  const offsetMs = (offsetHours * 60 + offsetMinutes) * 60_000 * (sign === '-' ? -1 : 1);
  return new Date(local - offsetMs).toISOString();
}
