/** MsGine's fixtures: the named tokens QA can use with no setup, and the price table sends are charged from. */
import { readFileSync } from 'node:fs';
import { fixturePath } from '../../paths.js';
import type { NamedKey } from '../client-profile.js';

export interface PriceTable {
  currency: 'USD';
  /** USD per segment for a destination the table does not list. */
  default: number;
  /** USD per segment by ISO 3166-1 alpha-2 country. */
  perSegment: Record<string, number>;
}

const KEYS_FILE = fixturePath('msgine.json');
const PRICES_FILE = fixturePath('msgine-prices.json');

/** Every fixture file MsGine reads (Provider.fixtureFiles). */
export const MSGINE_FIXTURE_FILES: readonly string[] = [KEYS_FILE, PRICES_FILE];

function readFixture<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

export const MSGINE_KEYS: readonly NamedKey[] = readFixture<{ keys: NamedKey[] }>(KEYS_FILE).keys;

export const MSGINE_PRICES: PriceTable = readFixture<PriceTable>(PRICES_FILE);
