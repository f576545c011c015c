/** MsgFlash ids are UUIDs (the doc's `"id": "uuid"`): version-4 shaped, drawn from the seeded generator. */
import type { Engine } from '../../engine/engine.js';

const VARIANTS = '89ab';

export function newId(engine: Engine): string {
  const hex = (n: number) => engine.random.hex(n);
  const variant = VARIANTS[engine.random.int(VARIANTS.length)]!;
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
}
