/**
 * Made-up people for generated fixtures (`generate: { contacts: 500 }`): realistic names (faker's English
 * locale), E.164 numbers that libphonenumber-js's full metadata calls valid, and emails at the reserved
 * example domains (RFC 2606), each unique within a batch. Faker draws from msgsim's own seeded generator
 * (engine/random.ts), seeded from the run's seed and the account the batch is for: the same seed gives
 * the same people, whatever else the run did first.
 *
 * Faker is loaded on first use, and only its English locale: the package's main entry imports all sixty.
 */
import type { Faker, Randomizer } from '@faker-js/faker';
import { isE164, isEmail } from '../engine/contact-points.js';
import { SeededRandom } from '../engine/random.js';
import type { GeneratedPerson } from '../providers/provider.js';

/** Faker's US numbers are valid about half the time; sixty-four tries leave a chance below 10^-19 of none. */
const PHONE_TRIES = 64;

let english: Promise<Faker> | undefined;

export async function generatePeople(count: number, seedParts: ReadonlyArray<string | number>): Promise<GeneratedPerson[]> {
  const faker = await fakerWith(randomizer(seedOf(seedParts)));
  const phones = new Set<string>();
  const emails = new Set<string>();
  const people: GeneratedPerson[] = [];
  for (let i = 0; i < count; i++) {
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    people.push({ firstName, lastName, name: `${firstName} ${lastName}`, phone: phone(faker, phones), email: email(faker, firstName, lastName, emails, i) });
  }
  return people;
}

function phone(faker: Faker, taken: Set<string>): string {
  for (let i = 0; i < PHONE_TRIES; i++) {
    const candidate = faker.phone.number({ style: 'international' });
    if (!taken.has(candidate) && isE164(candidate)) {
      taken.add(candidate);
      return candidate;
    }
  }
  throw new Error('no valid phone number after many tries');
}

function email(faker: Faker, firstName: string, lastName: string, taken: Set<string>, index: number): string {
  let candidate = faker.internet.exampleEmail({ firstName, lastName }).toLowerCase();
  if (taken.has(candidate) || !isEmail(candidate)) candidate = `person${index + 1}@example.com`;
  taken.add(candidate);
  return candidate;
}

async function fakerWith(random: Randomizer): Promise<Faker> {
  english ??= import('@faker-js/faker/locale/en').then((module) => module.faker);
  const base = await english;
  // The locale entry exports only its instance; its class and definitions make one that draws from ours.
  const FakerClass = base.constructor as typeof Faker;
  return new FakerClass({ locale: base.rawDefinitions, randomizer: random });
}

function randomizer(seed: number): Randomizer {
  const random = new SeededRandom(seed);
  return {
    next: () => random.next(),
    seed: (value) => random.reseed(Array.isArray(value) ? seedOf(value) : value),
  };
}

/** FNV-1a over the parts: one 32-bit seed per (run seed, provider, account, kind). */
function seedOf(parts: ReadonlyArray<string | number>): number {
  let hash = 0x811c9dc5;
  for (const char of parts.join('\u0000')) {
    hash ^= char.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
