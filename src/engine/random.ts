/**
 * Seeded randomness: the only source of "random" values in msgsim (ids, secrets, fault probabilities),
 * so that a run with the same seed produces the same ids and the same outcomes.
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** The generator's position, so a restarted server (--data) continues the sequence instead of repeating ids. */
  get position(): number {
    return this.state;
  }

  set position(value: number) {
    this.state = value >>> 0;
  }

  /** Restarts the sequence, as if newly constructed with `seed`. */
  reseed(seed: number): void {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** mulberry32: small, fast, and good enough for simulation ids and dice rolls. */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  /** Base62 string of `length` characters. */
  token(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += ALPHABET[this.int(ALPHABET.length)];
    return out;
  }

  hex(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += this.int(16).toString(16);
    return out;
  }
}

/** Prefixed ids (`msg_…`, `ct_…`) from a seeded generator. */
export class IdGenerator {
  constructor(private readonly random: SeededRandom) {}

  next(prefix: string, length = 16): string {
    return `${prefix}${this.random.token(length)}`;
  }
}
