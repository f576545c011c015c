// Preloaded into a server by bench/stalls.ts (`node --import`): records every GC pause and every gap
// of more than 50 ms in a 5 ms interval timer (lib/stall-watch.mjs). On SIGUSR2 it writes what it saw
// since the last signal, as JSON, to STALL_PROBE_OUT, and starts over.
import { writeFileSync } from 'node:fs';
import { watchStalls } from '../lib/stall-watch.mjs';

const watch = watchStalls(50);
process.on('SIGUSR2', () => {
  writeFileSync(process.env.STALL_PROBE_OUT, JSON.stringify(watch.take()));
});
