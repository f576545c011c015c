/**
 * Timestamps as some providers' docs print them: whole seconds in UTC with `Z`
 * (`2024-01-15T10:30:00Z`, Msghub's and MsGine's examples). The engine keeps milliseconds (the clock's
 * resolution, which orders events); a provider that shows whole seconds truncates at its edge, as a
 * server storing `DATETIME` without fractions would.
 */

/** `2024-01-15T10:30:00.123Z` → `2024-01-15T10:30:00Z`; a time without a fraction is returned as it is. */
export function isoSeconds(iso: string): string {
  const dot = iso.lastIndexOf('.');
  return dot === -1 || !iso.endsWith('Z') ? iso : `${iso.slice(0, dot)}Z`;
}

/** `isoSeconds` of an optional time. */
export function isoSecondsOrUndefined(iso: string | undefined): string | undefined {
  return iso === undefined ? undefined : isoSeconds(iso);
}
