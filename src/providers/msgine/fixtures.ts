/** MsGine's fixtures: the named tokens QA can use with no setup, and the price table sends are charged from. */
import { readFileSync } from 'node:fs';
import { fixturePath } from '../../paths.js';

export interface FixtureKey {
  key: string;
  label?: string;
  properties: Record<string, unknown>;
}

export interface PriceTable {
  currency: 'USD';
  /** USD per segment for a destination the table does not list. */
  default: number;
  /** USD per segment by ISO 3166-1 alpha-2 country. */
  perSegment: Record<string, number>;
}

function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(fixturePath(name), 'utf8')) as T;
}

export const MSGINE_KEYS: readonly FixtureKey[] = readFixture<{ keys: FixtureKey[] }>('msgine.json').keys;

export const MSGINE_PRICES: PriceTable = readFixture<PriceTable>('msgine-prices.json');
