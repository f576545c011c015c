/** Binary search over records kept in `seq` order (the delivery log, the request journal). */
export function firstAtOrAfter(items: readonly { seq: number }[], seq: number, from = 0): number {
  let low = from;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (items[mid]!.seq < seq) low = mid + 1;
    else high = mid;
  }
  return low;
}
