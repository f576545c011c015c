/** Small readers for the recipients a request body names, shared by the providers' `requestRecipients`. */

/** A recipient field as a list: one string or number, or a list of them (anything else is skipped). */
export function recipientList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number') return [String(value)];
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const item of value) if (typeof item === 'string' || typeof item === 'number') out.push(String(item));
  return out;
}

/** `key` of each object in a list (`targets[].to`, `messages[].to`). */
export function recipientsOfEach(list: unknown, key: string): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item: unknown) => (item !== null && typeof item === 'object' ? recipientList((item as Record<string, unknown>)[key]) : []));
}
