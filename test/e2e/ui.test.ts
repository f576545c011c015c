/**
 * The dev inbox (/_sim/ui) and the API reference pages (/_sim/docs), end to end in headless Chromium
 * (Debian's package, driven by playwright-core; a browser is never downloaded). One simulator on a manual
 * clock and one page for the whole file: the tests run in order and build on each other's messages.
 * MSGSIM_SCREENSHOTS=1 also writes docs/screenshots/*.png (left alone otherwise, so CI never rewrites them).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/index.js';
import { providerNamed } from '../../src/providers/index.js';

const CHROMIUM = '/usr/bin/chromium';
const WAIT = 10_000;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHOTS = process.env.MSGSIM_SCREENSHOTS === '1' ? path.join(ROOT, 'docs', 'screenshots') : undefined;
const MSGHUB_KEY = 'mk_live_uitest01';
const JSON_HEADERS = { 'Content-Type': 'application/json' };

interface Mounted {
  name: string;
  title: string;
  baseUrl: string;
}

/** A provider's send as its client profile (from the registry) makes it, for the tenant `uitest01`. */
function sendThrough(provider: string, base: string, to: string, text: string): Promise<Response> {
  const { profile } = providerNamed(provider);
  const auth = profile.auth(profile.tenant('uitest01'));
  const query = new URLSearchParams(auth.query).toString();
  return post(`${base}${profile.send.path}${query ? `?${query}` : ''}`, auth.headers, profile.send.body(to, text));
}

let sim: Simulator;
let browser: Browser;
let page: Page;
let mounted: Mounted[] = [];
const offOrigin: string[] = [];
const pageErrors: string[] = [];

function post(url: string, headers: Record<string, string>, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) });
}

async function control<T = any>(route: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${sim.url}/_sim${route}`, {
    method: init.method ?? 'GET',
    ...(init.body !== undefined ? { headers: JSON_HEADERS, body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function sendMsghub(to: string, text: string): Promise<string> {
  const res = await post(`${sim.url}/msghub/api/v1/messages/send`, { 'X-API-Key': MSGHUB_KEY }, { channel: 'sms', to, body: text });
  expect(res.status).toBe(201);
  return ((await res.json()) as { messageId: string }).messageId;
}

const row = (text: string) => page.locator('#message-list .vrow', { hasText: text });
const requestRow = (text: string) => page.locator('#request-list .vrow', { hasText: text });
const detail = () => page.locator('#detail');

async function openMessage(text: string): Promise<void> {
  await page.fill('#f-search', '');
  await row(text).first().waitFor({ timeout: WAIT });
  await row(text).first().click();
  await detail().locator('[data-role="body"]', { hasText: text }).waitFor({ timeout: WAIT });
}

/** The little of the DOM the browser-side checks use (this file is type-checked without DOM types). */
interface BrowserDocument {
  querySelector(selector: string): { textContent: string | null } | null;
  querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }>;
}

// Functions, not strings: the pages' Content-Security-Policy forbids eval, which string predicates need.
async function waitForText(selector: string, expected: string): Promise<void> {
  await page.waitForFunction(
    ([sel, text]) => ((globalThis as unknown as { document: BrowserDocument }).document.querySelector(sel)?.textContent ?? '').includes(text),
    [selector, expected] as const,
    { timeout: WAIT },
  );
}

/** Waits until exactly `count` rows are rendered, all with the status `status` when given. */
async function waitForRows(count: number, status?: string): Promise<void> {
  await page.waitForFunction(
    ([n, wanted]) => {
      const doc = (globalThis as unknown as { document: BrowserDocument }).document;
      const badges = Array.from(doc.querySelectorAll('#message-list .vrow .badge'));
      return doc.querySelectorAll('#message-list .vrow').length === n && (!wanted || badges.every((b) => b.textContent === wanted));
    },
    [count, status ?? ''] as const,
    { timeout: WAIT },
  );
}

async function screenshot(name: string, target: Page = page): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await target.locator('.toast').evaluateAll((toasts) => toasts.forEach((t) => t.remove()));
  await target.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

describe('dev inbox in headless Chromium', () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is not installed at ${CHROMIUM}. The dev inbox tests drive Debian's chromium package (apt-get install chromium); they never download a browser.`,
      );
    }
    sim = await createSimulator({ clock: 'manual', port: 0, start: Date.parse('2026-03-02T09:15:00Z') });
    mounted = (await control<{ providers: Mounted[] }>('/health')).body.providers;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      timeout: 20_000,
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'UTC' });
    context.setDefaultTimeout(WAIT);
    context.on('response', (res) => {
      if (!res.url().startsWith(sim.url) && !res.url().startsWith(`blob:${sim.url}/`)) offOrigin.push(res.url());
    });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${sim.url}/_sim/ui`);
    await page.locator('body[data-ready="true"]').waitFor({ state: 'attached', timeout: WAIT });
    await page.locator('#live[data-state="open"]').waitFor({ timeout: WAIT });
    // Survives only if the page is never reloaded or navigated away.
    await page.evaluate(() => ((globalThis as unknown as { sameDocument: boolean }).sameDocument = true));
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    await sim?.close();
  });

  it('shows a message sent through each mounted provider as it happens, without a reload', async () => {
    await page.locator('#list-summary', { hasText: '0 messages' }).waitFor();
    for (const provider of mounted) {
      const text = `Hello from the ${provider.name} API`;
      const res = await sendThrough(provider.name, `${sim.url}${provider.baseUrl}`, '+14155550123', text);
      expect(res.status, `${provider.name} send: ${await res.clone().text()}`).toBe(201);
      const item = row(text);
      await item.waitFor({ timeout: WAIT });
      await item.locator('.provider', { hasText: provider.title }).waitFor();
      expect(await item.locator('.badge').textContent()).toMatch(/queued|sent/);
    }
    // A few more for a lifelike list: one that fails, one that is read.
    await sendMsghub('+15005550002', 'Your verification code is 482913');
    await sendMsghub('+15005550004', 'Reminder: your appointment is tomorrow at 9:30');
    await page.click('button[data-advance="5s"]');
    await row('482913').locator('.badge', { hasText: 'failed' }).waitFor();
    await row('Hello from the msghub API').locator('.badge', { hasText: 'delivered' }).waitFor();
    await waitForText('#list-summary', `${mounted.length + 2} messages`);
    expect(await page.evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await screenshot('inbox-list');
  });

  it('marks a message failed: the status and the webhook delivery update live', async () => {
    const hook = await post(
      `${sim.url}/msghub/api/v1/webhooks`,
      { 'X-API-Key': MSGHUB_KEY },
      { event: 'message.failed', url: `${sim.url}/_sim/receivers/ui/hook` },
    );
    expect(hook.status).toBe(201);
    const id = await sendMsghub('+14155550188', 'Your parcel is out for delivery');
    await openMessage('Your parcel is out for delivery');
    expect(await detail().locator('[data-role="status"]').textContent()).toBe('queued');
    await detail().getByText('No webhook deliveries for this message yet').waitFor();
    await page.click('button[data-advance="1s"]');
    await detail().locator('[data-role="status"]', { hasText: 'sent' }).waitFor();

    await page.fill('#force-reason', 'Handset switched off');
    await detail().getByRole('button', { name: 'Mark failed' }).click();
    await detail().locator('[data-role="status"]', { hasText: 'failed' }).waitFor();
    await row('Your parcel is out for delivery').locator('.badge', { hasText: 'failed' }).waitFor();
    await detail().locator('.timeline .reason', { hasText: 'Handset switched off' }).waitFor();
    expect(await detail().getByRole('button', { name: 'Mark delivered' }).isDisabled()).toBe(true);

    const delivery = detail().locator('.delivery', { hasText: 'message.failed' });
    await delivery.locator('[data-role="delivery-status"]', { hasText: 'succeeded' }).waitFor();
    await delivery.getByText('x-msghub-signature:').first().waitFor();
    await delivery.locator('summary', { hasText: 'Attempts (1)' }).click();
    await delivery.locator('.attempt-head', { hasText: '200' }).waitFor();
    await delivery.locator('summary', { hasText: 'Request headers' }).click();
    await delivery.locator('.attempt', { hasText: 'x-msghub-event-id' }).waitFor();

    const receiver = await control<{ requests: { body: string }[] }>('/receivers/ui');
    expect(receiver.body.requests.some((r) => r.body.includes(id) && r.body.includes('message.failed'))).toBe(true);
  });

  it('replays a delivery', async () => {
    const [original] = (await control<{ data: { id: string; subject: string }[] }>(`/webhooks/deliveries?provider=msghub&eventType=message.failed`)).body.data;
    await detail()
      .getByRole('button', { name: `Replay message.failed delivery ${original!.id}` })
      .click();
    const copy = detail().locator('.delivery', { hasText: `replay of ${original!.id}` });
    await copy.locator('[data-role="delivery-status"]', { hasText: 'succeeded' }).waitFor();
    await detail().locator('#deliveries-title', { hasText: 'Webhook deliveries (2)' }).waitFor();
    const listed = await control<{ data: { replayOf?: string }[] }>(`/webhooks/deliveries?subject=${original!.subject}`);
    expect(listed.body.data.map((d) => d.replayOf ?? null)).toEqual([original!.id, null]);
    if (SHOTS) {
      await detail().evaluate((el) => (el.scrollTop = 0));
      await screenshot('inbox-detail');
      await copy.locator('summary', { hasText: 'Attempts (1)' }).click();
      await copy.locator('summary', { hasText: 'Request headers' }).click();
      await detail()
        .locator('#deliveries-title')
        .evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await screenshot('inbox-webhooks');
    }
  });

  it('shows a failing webhook retrying, with its next attempt, until the receiver recovers', async () => {
    const key = 'mk_live_uitest02';
    expect((await control('/receivers/flaky', { method: 'PUT', body: { status: 500 } })).status).toBe(200);
    const hook = await post(
      `${sim.url}/msghub/api/v1/webhooks`,
      { 'X-API-Key': key },
      { event: 'message.delivered', url: `${sim.url}/_sim/receivers/flaky/hook` },
    );
    expect(hook.status).toBe(201);
    const sent = await post(
      `${sim.url}/msghub/api/v1/messages/send`,
      { 'X-API-Key': key },
      { channel: 'whatsapp', to: '+14155550177', body: 'Table for two at 8pm is confirmed' },
    );
    expect(sent.status).toBe(201);
    await openMessage('Table for two at 8pm is confirmed');
    await detail().getByRole('button', { name: 'Mark delivered' }).click();

    const delivery = detail().locator('.delivery', { hasText: 'message.delivered' });
    await delivery.locator('[data-role="delivery-status"]', { hasText: 'retrying' }).waitFor();
    await delivery.locator('[data-role="next-attempt"]', { hasText: '(in 5s)' }).waitFor();
    await delivery.locator('summary', { hasText: 'Attempts (1)' }).click();
    await delivery.locator('.attempt-head', { hasText: '500' }).waitFor();

    expect((await control('/receivers/flaky', { method: 'PUT', body: { status: 200 } })).status).toBe(200);
    await page.click('button[data-advance="5s"]');
    await delivery.locator('[data-role="delivery-status"]', { hasText: 'succeeded' }).waitFor();
    await delivery.locator('summary', { hasText: 'Attempts (2)' }).waitFor();
    await delivery.locator('[data-role="next-attempt"]', { hasText: 'none planned' }).waitFor();
    expect(await delivery.locator('.attempt-head').allTextContents()).toEqual([expect.stringContaining('#2'), expect.stringContaining('#1')]);
  });

  it('advances the clock and shows the simulated time', async () => {
    const before = sim.clock.now();
    await page.fill('#advance-by', '1h30m');
    await page.click('#advance-form button[type="submit"]');
    const expected = new Date(before + 90 * 60_000).toISOString().replace('T', ' ').slice(0, 19);
    await waitForText('#clock-now', expected);
    expect(await page.textContent('#clock-mode')).toBe('manual');
    expect(sim.clock.now()).toBe(before + 90 * 60_000);
  });

  it('simulates a reply only for providers that receive inbound messages', async () => {
    await openMessage('Hello from the msghub API');
    expect(await detail().getByRole('button', { name: 'Simulate reply' }).isDisabled()).toBe(true);
    const receiving = [];
    for (const p of mounted) if ((await control(`/inbound/${p.name}`, { method: 'POST', body: {} })).status !== 404) receiving.push(p.name);
    for (const name of receiving) {
      await openMessage(`Hello from the ${name} API`);
      const button = detail().getByRole('button', { name: 'Simulate reply' });
      expect(await button.isDisabled()).toBe(false);
      await page.fill('#reply-text', 'Yes, see you then');
      await button.click();
      await page.locator('.toast', { hasText: `Reply from +14155550123 received by ${name}` }).waitFor();
    }
  });

  it('adds and clears a fault', async () => {
    await page.click('#faults-open');
    await page.locator('#faults-dialog').getByText('No fault rules').waitFor();
    await page.selectOption('#fault-provider', 'msghub');
    await page.selectOption('#fault-method', 'POST');
    await page.fill('#fault-path', '/messages/send');
    await page.fill('#fault-status', '503');
    await page.fill('#fault-count', '1');
    await page.click('#fault-form button[type="submit"]');
    await page.locator('#faults-list tbody tr', { hasText: '/messages/send' }).waitFor();
    await screenshot('inbox-faults');
    expect((await control<{ data: unknown[] }>('/faults')).body.data).toMatchObject([
      { provider: 'msghub', method: 'POST', path: '/messages/send', count: 1, action: { status: 503 } },
    ]);
    expect((await sendThrough('msghub', `${sim.url}/msghub/api/v1`, '+14155550123', 'faulted')).status).toBe(503);

    await page.click('#fault-form button[type="submit"]');
    await page.locator('#faults-list tbody tr').nth(0).waitFor();
    await page.click('#faults-clear');
    await page.locator('#faults-dialog').getByText('No fault rules').waitFor();
    expect((await control<{ data: unknown[] }>('/faults')).body.data).toEqual([]);
    await page.keyboard.press('Escape');
    await page.locator('#faults-dialog').waitFor({ state: 'hidden' });
  });

  it('shows every request in the Requests view, live, refused ones marked, each send linked to its message', async () => {
    const invalid = await post(
      `${sim.url}/msghub/api/v1/messages/send`,
      { 'X-API-Key': MSGHUB_KEY },
      { channel: 'sms', to: '+15005550001', body: 'Never sent' },
    );
    expect(invalid.status).toBe(400);
    await page.click('#tab-requests');
    await page.locator('#requests').waitFor();
    expect(await page.locator('#inbox').isHidden()).toBe(true);

    // Refused: marked, with the provider's error code and the field.
    const refused = requestRow('invalid_phone_number');
    await refused.waitFor();
    expect(await refused.getAttribute('class')).toContain('refused');
    expect(await refused.locator('[data-role="http-status"]').textContent()).toBe('400');
    expect(await refused.locator('[data-role="error-field"]').textContent()).toBe('to');
    // The 503 the fault rule caused in the test before, also marked.
    expect(
      await requestRow('/msghub/api/v1/messages/send')
        .filter({ has: page.locator('[data-role="http-status"]', { hasText: '503' }) })
        .getAttribute('class'),
    ).toContain('refused');

    // Live: a request refused while the view is open appears without a reload.
    const unauthorised = await post(
      `${sim.url}/msghub/api/v1/messages/send`,
      { 'X-API-Key': 'nope' },
      { channel: 'sms', to: '+14155550166', body: 'Who am I?' },
    );
    expect(unauthorised.status).toBe(401);
    const live = requestRow('+14155550166');
    await live.locator('[data-role="http-status"]', { hasText: '401' }).waitFor();
    await live.click();
    await page.locator('#request-detail [data-role="refusal"] [data-role="error-code"]', { hasText: 'invalid_api_key' }).waitFor();
    await page.locator('#request-detail [data-role="body"]', { hasText: 'Who am I?' }).waitFor();
    await refused.click();
    await page.locator('#request-detail [data-role="error-field"]', { hasText: 'to' }).waitFor();
    await screenshot('inbox-requests');

    // Filters: provider and status class.
    await page.selectOption('#r-provider', 'msghub');
    await page.selectOption('#r-status', '4xx');
    await requestRow('invalid_phone_number').waitFor();
    await page.waitForFunction(() => {
      const doc = (globalThis as unknown as { document: BrowserDocument }).document;
      const badges = Array.from(doc.querySelectorAll('#request-list .vrow [data-role="http-status"]'));
      return badges.length > 0 && badges.every((b) => /^4\d\d$/.test(b.textContent ?? ''));
    });

    // An accepted send links to the message it created, opened in the message detail view.
    await page.selectOption('#r-status', '2xx');
    await page.fill('#r-to', '+14155550123');
    await page.locator('#request-summary', { hasText: '1 matching request' }).waitFor();
    const accepted = page.locator('#request-list .vrow').first();
    expect(await accepted.getAttribute('class')).not.toContain('refused');
    await accepted.click();
    await page.locator('#request-detail [data-role="message-link"]').click();
    await detail().locator('[data-role="body"]', { hasText: 'Hello from the msghub API' }).waitFor();
    expect(await page.getAttribute('#tab-messages', 'aria-pressed')).toBe('true');
    expect(await page.locator('#requests').isHidden()).toBe(true);

    // Back to everything, for the tests after this one.
    await page.click('#tab-requests');
    await page.fill('#r-to', '');
    await page.selectOption('#r-status', '');
    await page.selectOption('#r-provider', '');
    await page.click('#tab-messages');
    await page.locator('#inbox').waitFor();
  });

  it('filters by provider, status and recipient, and searches', async () => {
    await page.fill('#f-search', 'verification 482913');
    await page.locator('.vrow').first().waitFor();
    await waitForRows(1);
    await page.fill('#f-search', '');
    await page.selectOption('#f-status', 'failed');
    await waitForRows(2, 'failed');
    await page.selectOption('#f-status', '');
    await page.selectOption('#f-provider', 'msghub');
    await page.fill('#f-to', '+1500555000');
    await waitForRows(2);
    await page.fill('#f-to', '');
    await page.selectOption('#f-provider', '');
    await waitForRows(mounted.length + 4);
  });

  it('stays responsive with thousands of messages: a virtualised list loaded page by page', async () => {
    expect((await control('/config', { method: 'PATCH', body: { rateLimits: false } })).status).toBe(200);
    const total = 2_500;
    const before = (await control<{ total: number }>('/messages?limit=1')).body.total;
    const number = (i: number) => `+1415555${String(i).padStart(4, '0')}`;
    const msgine = mounted.find((p) => p.name === 'msgine');
    if (msgine) {
      // MsGine takes up to 100 recipients per send: 25 requests make 2,500 messages.
      await Promise.all(
        Array.from({ length: total / 100 }, async (_, batch) => {
          const to = Array.from({ length: 100 }, (_, i) => number(batch * 100 + i));
          const res = await post(
            `${sim.url}${msgine.baseUrl}/messages/sms`,
            { Authorization: 'Bearer uitest_msgine_token' },
            { to, message: `Bulk message ${batch}` },
          );
          expect(res.status).toBe(201);
        }),
      );
    } else {
      for (let start = 0; start < total; start += 50) {
        await Promise.all(Array.from({ length: 50 }, (_, i) => sendMsghub(number(start + i), `Bulk message ${start + i}`)));
      }
    }
    await waitForText('#list-summary', `${(before + total).toLocaleString('en-US')} messages`);
    await row(number(total - 1)).waitFor();
    const rendered = await page.locator('.vrow').count();
    expect(rendered).toBeLessThan(60);

    // Scrolling to the end loads older pages on demand.
    const deadline = Date.now() + WAIT;
    while ((await row('Hello from the msghub API').count()) === 0 && Date.now() < deadline) {
      await page.locator('#message-list').evaluate((el) => (el.scrollTop = el.scrollHeight));
      await page.waitForTimeout(100);
    }
    await row('Hello from the msghub API').waitFor();
    const started = Date.now();
    await page.fill('#f-search', number(1234));
    await waitForRows(1);
    expect(Date.now() - started).toBeLessThan(2_000);
    await page.fill('#f-search', '');
    await page.locator('#message-list').evaluate((el) => (el.scrollTop = 0));
  }, 90_000);

  it('resets the simulation after a confirmation', async () => {
    await page.click('#reset-open');
    await page.locator('#reset-dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.locator('#reset-dialog').waitFor({ state: 'hidden' });
    expect((await control<{ total: number }>('/messages?limit=1')).body.total).toBeGreaterThan(0);

    await page.click('#reset-open');
    await page.locator('#reset-dialog').getByRole('button', { name: 'Reset', exact: true }).click();
    await page.locator('#list-empty', { hasText: 'No messages yet' }).waitFor();
    await waitForText('#list-summary', '0 messages');
    expect((await control<{ total: number }>('/messages?limit=1')).body.total).toBe(0);
    await detail().getByText('No message selected').waitFor();
  });

  it('serves an API reference page for every mounted provider, rendered by Redoc from this process', async () => {
    const index = await page.context().newPage();
    await index.goto(`${sim.url}/_sim/docs`);
    for (const p of mounted) await index.locator(`a[href="/_sim/docs/${p.name}"]`, { hasText: p.title }).waitFor();
    await index.close();
    // Each provider in a page of its own, rendered side by side.
    await Promise.all(
      mounted.map(async (p) => {
        const docs = await page.context().newPage();
        try {
          await docs.goto(`${sim.url}/_sim/docs/${p.name}`);
          await docs.locator('body[data-ready="true"]').waitFor({ state: 'attached', timeout: 60_000 });
          const title = docs.locator('h1').first();
          await title.waitFor();
          expect(await title.textContent()).toContain(p.title);
          if (p.name === 'msghub') await screenshot('docs-msghub', docs);
        } finally {
          await docs.close();
        }
      }),
    );
    const unknown = await fetch(`${sim.url}/_sim/docs/nope`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'not_found' } });
    const bundle = await fetch(`${sim.url}/_sim/assets/redoc.standalone.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
  }, 120_000);

  it('loaded nothing from the network and threw no errors', () => {
    expect(offOrigin).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
