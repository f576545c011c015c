/** Reading a state document from bytes: the export layout line by line, any other whole, both bounded. */
import { describe, expect, it } from 'vitest';
import { SimError } from '../../src/engine/errors.js';
import { readStateDocument, STATE_LIMITS } from '../../src/engine/state-read.js';

const LINES = [
  '{"msgsim":"state","version":1,"scope":{"provider":null,"tenant":null},"collections":[',
  '{"provider":"p","tenant":"t","collection":"c","record":{"id":"a","seq":1}}',
  ',{"provider":"p","tenant":"t","collection":"c","record":{"id":"b","seq":2}}',
  '],"jobs":[',
  '],"keys":[',
  '{"provider":"p","key":"k","properties":{}}',
  '],"facts":{"now":"2024-04-08T10:30:00.000Z","seq":2}}',
];
const TEXT = `${LINES.join('\n')}\n`;

/** The text in pieces of `size` bytes, split anywhere (inside lines and characters). */
function pieces(text: string, size: number): Buffer[] {
  const bytes = Buffer.from(text);
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

async function refusal(promise: Promise<unknown>): Promise<SimError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SimError);
  return error as SimError;
}

describe('readStateDocument', () => {
  it.each([1, 7, 64, 1 << 16])('reads the export layout line by line, whatever the chunks (%i bytes)', async (size) => {
    expect(await readStateDocument(pieces(TEXT, size))).toEqual(JSON.parse(TEXT));
  });

  it('reads another layout whole', async () => {
    const doc = JSON.parse(TEXT) as unknown;
    expect(await readStateDocument([JSON.stringify(doc, null, 2)])).toEqual(doc);
    expect(await readStateDocument([JSON.stringify(doc)])).toEqual(doc);
  });

  it('names the line and section of a line that is not JSON', async () => {
    const broken = [...LINES];
    broken[2] = ',{"provider":';
    const error = await refusal(readStateDocument([broken.join('\n')]));
    expect(error).toMatchObject({ kind: 'invalid_json', field: 'collections[1]' });
    expect(error.message).toMatch(/^line 3 /);
  });

  it('refuses a document cut before its facts, a section twice, and anything after the facts', async () => {
    expect(await refusal(readStateDocument([LINES.slice(0, 4).join('\n')]))).toMatchObject({ field: 'facts' });
    expect(await refusal(readStateDocument([[...LINES.slice(0, 4), '],"jobs":[', ...LINES.slice(4)].join('\n')]))).toMatchObject({ field: 'jobs' });
    expect(await refusal(readStateDocument([`${TEXT}{"more":1}\n`]))).toMatchObject({ field: 'body' });
    expect(await refusal(readStateDocument(['']))).toMatchObject({ field: 'body' });
  });

  it('is bounded: a line, the whole, and another layout each have a limit (413)', async () => {
    const small = { lineBytes: 100, totalBytes: 400, wholeBytes: 200 };
    expect(await readStateDocument(pieces(TEXT, 13), small)).toEqual(JSON.parse(TEXT));
    const long = [...LINES];
    long[1] = `{"provider":"p","tenant":"t","collection":"c","record":{"id":"a","seq":1,"x":"${'y'.repeat(100)}"}}`;
    const line = await refusal(readStateDocument(pieces(long.join('\n'), 10), small));
    expect(line).toMatchObject({ kind: 'payload_too_large', status: 413 });
    expect(line.message).toMatch(/line 2/);
    const many = [
      LINES[0],
      ...Array.from({ length: 10 }, (_, i) => `,{"provider":"p","tenant":"t","collection":"c","record":{"id":"${i}","seq":${i}}}`),
      ...LINES.slice(3),
    ];
    expect(await refusal(readStateDocument(pieces(many.join('\n'), 50), small))).toMatchObject({ kind: 'payload_too_large' });
    expect(await refusal(readStateDocument([JSON.stringify(JSON.parse(TEXT), null, 4)], small))).toMatchObject({ kind: 'payload_too_large' });
    expect(STATE_LIMITS).toEqual({ lineBytes: 16 * 1024 * 1024, totalBytes: 256 * 1024 * 1024, wholeBytes: 16 * 1024 * 1024 });
  });
});
