/** Generated people: realistic, valid, unique within a batch, and the same for the same seed. */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { isEmail } from '../../src/engine/contact-points.js';
import { generatePeople } from '../../src/setup/people.js';

describe('generatePeople', () => {
  it('the same seed gives the same people; another seed, or another account, others', async () => {
    const first = await generatePeople(50, [42, 'msghub', 'mk_live_a', 'contacts']);
    expect(await generatePeople(50, [42, 'msghub', 'mk_live_a', 'contacts'])).toEqual(first);
    // A shorter batch is the start of a longer one: a count can grow without changing who came first.
    expect(await generatePeople(10, [42, 'msghub', 'mk_live_a', 'contacts'])).toEqual(first.slice(0, 10));
    const other = await generatePeople(50, [43, 'msghub', 'mk_live_a', 'contacts']);
    const otherAccount = await generatePeople(50, [42, 'msghub', 'mk_live_b', 'contacts']);
    expect(other.filter((p, i) => p.phone === first[i]!.phone)).toHaveLength(0);
    expect(otherAccount.filter((p, i) => p.name === first[i]!.name).length).toBeLessThan(5);
  });

  it('gives realistic names, valid E.164 numbers and example-domain emails, each unique in the batch', async () => {
    const people = await generatePeople(1_000, [7, 'msgflash', 'msgf_live_x', 'contacts']);
    expect(people).toHaveLength(1_000);
    for (const person of people) {
      expect(person.name).toBe(`${person.firstName} ${person.lastName}`);
      expect(person.firstName).toMatch(/^\p{Lu}/u);
      const parsed = parsePhoneNumberFromString(person.phone);
      expect(parsed?.isValid(), person.phone).toBe(true);
      expect(parsed?.number).toBe(person.phone);
      expect(isEmail(person.email), person.email).toBe(true);
      expect(person.email).toMatch(/@example\.(com|net|org)$/);
    }
    expect(new Set(people.map((p) => p.phone)).size).toBe(1_000);
    expect(new Set(people.map((p) => p.email)).size).toBe(1_000);
    expect(new Set(people.map((p) => p.name)).size).toBeGreaterThan(900);
  });
});
