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

  // Link-local and cloud metadata addresses, in every spelling the WHATWG URL parser normalises to them.
  const METADATA = [
    'http://169.254.169.254/latest/meta-data/',
    'http://169.254.170.2/v2/credentials',
    'http://169.254.0.23/',
    'http://169.254.1.1:8080/',
    'http://2852039166/',
    'http://0251.0376.0251.0376/',
    'http://0xa9fea9fe/',
    'http://0xA9.0xFE.0xA9.0xFE/',
    'http://169.254.43518/',
    'http://169.254.169.254./',
    'http://169。254。169。254/',
    'http://[::ffff:169.254.169.254]/',
    'http://[0:0:0:0:0:ffff:a9fe:a9fe]/',
    'http://[::169.254.169.254]/',
    'http://[64:ff9b::169.254.169.254]/',
    'http://[fe80::1]/',
    'http://[febf::1]/',
    'http://[fd00:ec2::254]/',
    'http://[fd00:ec2:0::254]/',
    'http://[fd20:ce::254]/',
    'http://100.100.100.200/',
    'http://0x64.0x64.0x64.0xc8/',
    'http://192.0.0.192/',
    'http://168.63.129.16/',
    'http://[::ffff:100.100.100.200]/',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://METADATA.Google.Internal./',
    'http://metadata.google.internal%2e/',
    'http://ｍetadata.google.internal/',
    'http://metadata/',
    'http://metadata.goog/',
    'http://instance-data/latest/',
    'http://instance-data.ec2.internal/',
    'http://metadata.tencentyun.com/',
    'http://metadata.azure.com/',
  ];

  it.each(METADATA)('%s is refused by default, by every keyword and by * or *.suffix', (url) => {
    for (const allow of [undefined, ['loopback', 'private'], ['*'], ['*.internal', '*.goog', '*.com', '*.ec2.internal']]) {
      expect(webhookUrlPolicy(allow)(url), `${JSON.stringify(allow)} ${url}`).toMatch(/not on the webhook allowlist/);
    }
  });

  it.each([
    [['169.254.169.254'], 'http://169.254.169.254/latest/', true],
    [['169.254.169.254'], 'http://2852039166/', true],
    [['169.254.169.254'], 'http://[::ffff:169.254.169.254]/', true],
    [['169.254.169.254'], 'http://169.254.170.2/', false],
    [['169.254.169.254/32'], 'http://169.254.169.254/', true],
    [['169.254.0.0/16'], 'http://169.254.170.2/', true],
    [['fe80::/10'], 'http://[fe80::1]/', true],
    [['fd00:ec2::254'], 'http://[fd00:ec2::254]/', true],
    [['fc00::/7'], 'http://[fd00:ec2::254]/', true],
    [['private'], 'http://[fd00:ec2::254]/', false],
    [['private'], 'http://[fd00:ec2::253]/', true],
    [['100.100.100.200'], 'http://100.100.100.200/', true],
    [['metadata.google.internal'], 'http://metadata.google.internal./x', true],
    [['metadata.google.internal.'], 'http://metadata.google.internal/x', true],
    [['metadata.google.internal'], 'http://metadata.goog/x', false],
    [['*', '169.254.169.254'], 'http://169.254.169.254/', true],
    [['*'], 'http://203.0.113.7/', true],
    [['203.0.113.7'], 'http://203.0.113.7/', true],
  ])('an entry naming it admits it: allow %j, %s allowed = %s', (allow, url, allowed) => {
    expect(webhookUrlPolicy(allow)(url) === undefined).toBe(allowed);
  });

  it('keeps the private and loopback ranges outside link-local open by default', () => {
    for (const url of ['http://[::ffff:127.0.0.1]:9000/', 'http://[::ffff:10.0.0.1]/', 'http://[fd12:3456::1]/', 'http://0x7f000001/', 'http://localhost./']) {
      expect(byDefault(url), url).toBeUndefined();
    }
  });

  it('says why a URL is refused', () => {
    expect(byDefault('https://your-app.com/x')).toMatch(/your-app\.com is not on the webhook allowlist/);
    expect(() => webhookUrlPolicy(['10.0.0.0/abc'])).toThrow(/not a CIDR/);
    expect(byDefault('http://169.254.169.254/')).toMatch(/link-local and cloud metadata addresses must be named/);
    expect(webhookUrlPolicy(['*'])('http://metadata.google.internal/')).toMatch(/cloud metadata hostnames must be named exactly/);
  });
});
