import { describe, expect, it } from 'vitest';
import { webhookUrlPolicy } from '../../src/engine/webhook-url-policy.js';

describe('webhookUrlPolicy', () => {
  const byDefault = webhookUrlPolicy();
  it.each([
    ['http://127.0.0.1:9000/hook', true],
    ['http://localhost/hook', true],
    ['http://[::1]:8080/', true],
    ['https://10.1.2.3/x', true],
    ['http://172.20.0.5/x', true],
    ['http://192.168.1.10/x', true],
    ['https://your-app.com/webhooks/msgine', false],
    ['http://8.8.8.8/', false],
    ['http://172.32.0.1/', false],
    ['ftp://127.0.0.1/file', false],
    ['file:///etc/passwd', false],
    ['not a url', false],
  ])('default policy: %s allowed = %s', (url, allowed) => {
    expect(byDefault(url) === undefined).toBe(allowed);
  });

  it.each([
    [['hooks.example.com'], 'https://hooks.example.com/x', true],
    [['hooks.example.com'], 'https://evil.example.com/x', false],
    [['*.example.com'], 'https://a.b.example.com/x', true],
    [['203.0.113.0/24'], 'http://203.0.113.9/', true],
    [['203.0.113.0/24'], 'http://203.0.114.9/', false],
    [['*'], 'https://anywhere.test/', true],
    [['*'], 'gopher://anywhere.test/', false],
  ])('allow %j: %s allowed = %s', (allow, url, allowed) => {
    expect(webhookUrlPolicy(allow)(url) === undefined).toBe(allowed);
  });

  it('says why a URL is refused', () => {
    expect(byDefault('https://your-app.com/x')).toMatch(/your-app\.com is not on the webhook allowlist/);
    expect(() => webhookUrlPolicy(['10.0.0.0/abc'])).toThrow(/not a CIDR/);
  });
});
