import { describe, expect, it } from 'vitest';
import { webhookAddressPolicy, webhookUrlPolicy } from '../../src/engine/webhook-url-policy.js';

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

describe('webhookAddressPolicy: where a host name resolves to', () => {
  // Link-local and cloud metadata addresses as a resolver may return them.
  const METADATA_ADDRESSES = [
    '169.254.169.254',
    '169.254.170.2',
    '169.254.0.23',
    '169.254.1.1',
    '100.100.100.200',
    '192.0.0.192',
    '168.63.129.16',
    '::ffff:169.254.169.254',
    '::ffff:a9fe:a9fe',
    '64:ff9b::a9fe:a9fe',
    'fe80::1',
    'fe80::1%eth0',
    'febf::1',
    'fd00:ec2::254',
    'fd20:ce::254',
  ];

  it.each(METADATA_ADDRESSES)('a name resolving to %s is refused under *, *.suffix and every keyword', (address) => {
    for (const allow of [['*'], ['*.test'], ['*', 'loopback', 'private'], ['loopback', 'private', '*.test']]) {
      const reason = webhookAddressPolicy(allow)('metadata.test', address);
      expect(reason, `${JSON.stringify(allow)} ${address}`).toMatch(/, which metadata\.test resolves to, is not on the webhook allowlist/);
      expect(reason).toMatch(/link-local and cloud metadata addresses must be named/);
    }
    expect(webhookAddressPolicy()('localhost', address), address).toMatch(/not on the webhook allowlist/);
  });

  it.each([
    [['*', '169.254.169.254'], 'metadata.test', '169.254.169.254', true],
    [['*', '169.254.169.254'], 'metadata.test', '::ffff:169.254.169.254', true],
    [['*', '169.254.169.254'], 'metadata.test', '169.254.170.2', false],
    [['*.test', '169.254.0.0/16'], 'metadata.test', '169.254.170.2', true],
    [['*', 'fe80::/10'], 'router.test', 'fe80::1', true],
    [['*', 'private'], 'aws.test', 'fd00:ec2::254', false],
    // A name named exactly leads wherever its DNS says: that is how naming a metadata host works.
    [['metadata.google.internal'], 'metadata.google.internal', '169.254.169.254', true],
    [['metadata.google.internal'], 'metadata.google.internal.', '169.254.169.254', true],
    [['hooks.example.com'], 'hooks.example.com', '10.0.0.5', true],
    [['*.example.com', 'hooks.example.com'], 'hooks.example.com', '169.254.169.254', true],
    [['*.example.com', 'hooks.example.com'], 'other.example.com', '169.254.169.254', false],
  ])('an entry naming it admits it: allow %j, %s at %s allowed = %s', (allow, host, address, allowed) => {
    expect(webhookAddressPolicy(allow)(host, address) === undefined).toBe(allowed);
  });

  it('* admits a name at any other address, as it admits any other address in a URL', () => {
    for (const address of ['127.0.0.1', '::1', '10.1.2.3', '192.168.1.10', 'fd12:3456::1', '203.0.113.7', '2001:db8::7']) {
      expect(webhookAddressPolicy(['*'])('receiver.test', address), address).toBeUndefined();
    }
  });

  it('*.suffix admits public addresses, and loopback and private ones only when the list does', () => {
    const suffixOnly = webhookAddressPolicy(['*.test']);
    for (const address of ['203.0.113.7', '8.8.8.8', '2001:db8::7']) expect(suffixOnly('a.b.test', address), address).toBeUndefined();
    const internal = ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.10', 'fd12:3456::1', '0.0.0.0', '::'];
    for (const address of internal) {
      expect(suffixOnly('a.b.test', address), address).toMatch(/\*\.suffix admits names, not the loopback and private addresses they resolve to/);
    }
    expect(webhookAddressPolicy(['*.test', 'loopback'])('a.test', '127.0.0.1')).toBeUndefined();
    expect(webhookAddressPolicy(['*.test', 'loopback'])('a.test', '10.1.2.3')).toMatch(/not on the webhook allowlist/);
    expect(webhookAddressPolicy(['*.test', 'private'])('a.test', '10.1.2.3')).toBeUndefined();
    expect(webhookAddressPolicy(['*.test', '10.0.0.0/8'])('a.test', '10.1.2.3')).toBeUndefined();
  });

  it('localhost, admitted by loopback, must resolve to loopback; a name off the list is refused wherever it resolves', () => {
    const byDefault = webhookAddressPolicy();
    expect(byDefault('localhost', '127.0.0.1')).toBeUndefined();
    expect(byDefault('localhost', '::1')).toBeUndefined();
    expect(byDefault('localhost', '203.0.113.7')).toMatch(/203\.0\.113\.7, which localhost resolves to, is not on the webhook allowlist/);
    expect(byDefault('receiver.test', '127.0.0.1')).toMatch(/receiver\.test is not on the webhook allowlist/);
    expect(webhookAddressPolicy(['*'])('metadata.google.internal', '203.0.113.7')).toMatch(/not on the webhook allowlist/);
  });
});
