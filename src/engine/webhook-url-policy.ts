/**
 * Where webhooks may go. A mock server that POSTs to any URL a client names is an SSRF tool, so
 * deliveries are limited to an allowlist; the default admits loopback and private ranges (local
 * development), and `--webhook-allow` widens it (hostnames, `*.suffix`, CIDRs, IP addresses, or `*`).
 *
 * Link-local addresses and cloud metadata services (the usual SSRF target: they hand out the machine's
 * cloud credentials) are left out of every keyword, `*` and `*.suffix` included: only an entry naming
 * them admits them, a CIDR or an IP address that contains the address, or the exact hostname. URLs are
 * checked as the WHATWG URL parser normalises them, so decimal, octal and hex spellings of an IPv4
 * address (`http://2852039166/`, `http://0251.0376.0251.0376/`) are the dotted address here, and an
 * IPv4 address inside an IPv6 one (mapped, compatible, NAT64) is checked as that IPv4 address.
 */
import { BlockList, isIP } from 'node:net';

export const DEFAULT_WEBHOOK_ALLOW = ['loopback', 'private'] as const;

type Subnet = [string, number, 'ipv4' | 'ipv6'];

const RANGES: Record<string, Subnet[]> = {
  loopback: [
    ['127.0.0.0', 8, 'ipv4'],
    ['::1', 128, 'ipv6'],
  ],
  // RFC 1918 and IPv6 unique local addresses (RFC 4193); link-local is not "private" (see DENIED).
  private: [
    ['10.0.0.0', 8, 'ipv4'],
    ['172.16.0.0', 12, 'ipv4'],
    ['192.168.0.0', 16, 'ipv4'],
    ['fc00::', 7, 'ipv6'],
  ],
};

/**
 * Addresses no keyword admits. Link-local (RFC 3927, RFC 4291 §2.5.6) holds the metadata services of
 * AWS, GCP, Azure, Oracle, DigitalOcean and OpenStack (169.254.169.254), AWS ECS task metadata
 * (169.254.170.2) and Tencent's (169.254.0.23). The others: Alibaba Cloud's metadata (100.100.100.200),
 * Oracle Cloud's legacy one (192.0.0.192), Azure's platform address (168.63.129.16, WireServer), and the
 * IPv6 metadata addresses of AWS (fd00:ec2::254) and GCP (fd20:ce::254), which lie inside the private
 * fc00::/7 the default admits.
 */
const DENIED_V4: Subnet[] = [
  ['169.254.0.0', 16, 'ipv4'],
  ['100.100.100.200', 32, 'ipv4'],
  ['192.0.0.192', 32, 'ipv4'],
  ['168.63.129.16', 32, 'ipv4'],
];
const DENIED_V6: Subnet[] = [
  ['fe80::', 10, 'ipv6'],
  ['fd00:ec2::254', 128, 'ipv6'],
  ['fd20:ce::254', 128, 'ipv6'],
];
/**
 * IPv6 prefixes that carry an IPv4 address in their last 32 bits: IPv4-mapped (RFC 4291 §2.5.5.2),
 * IPv4-compatible (deprecated, §2.5.5.1) and the NAT64 well-known prefix (RFC 6052), which a NAT64
 * gateway turns back into the IPv4 address.
 */
const EMBEDDING_PREFIXES = ['::ffff:', '::', '64:ff9b::'];

/**
 * Hostnames of metadata services: GCP's (metadata.google.internal, metadata.goog, and `metadata` in
 * its search domain), AWS EC2's (instance-data, instance-data.ec2.internal), Tencent Cloud's
 * (metadata.tencentyun.com), and metadata.azure.com (Azure documents only the address; kept because
 * refusing a name costs nothing). A hostname is compared without trailing dots.
 */
const DENIED_HOSTS = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
  'metadata.azure.com',
]);

export type UrlPolicy = (url: string) => string | undefined;

function subnets(list: BlockList, entries: readonly Subnet[]): BlockList {
  for (const [net, prefix, type] of entries) list.addSubnet(net, prefix, type);
  return list;
}

const denied = subnets(new BlockList(), [
  ...DENIED_V4,
  ...DENIED_V6,
  ...DENIED_V4.flatMap(([net, prefix]) => EMBEDDING_PREFIXES.map((p): Subnet => [`${p}${net}`, 96 + prefix, 'ipv6'])),
]);

/** Builds a checker that returns why a URL is refused, or undefined when it may be called. */
export function webhookUrlPolicy(allow: readonly string[] = DEFAULT_WEBHOOK_ALLOW): UrlPolicy {
  /** Everything the entries admit; `named` only what CIDRs and IP addresses name. */
  const admitted = new BlockList();
  const named = new BlockList();
  const hosts: string[] = [];
  const suffixes: string[] = [];
  let anything = false;
  for (const raw of allow) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') anything = true;
    else if (RANGES[entry]) subnets(admitted, RANGES[entry]);
    else if (entry.includes('/')) {
      const [net, prefix] = entry.split('/');
      const type = isIP(net ?? '');
      if (!type || !Number.isInteger(Number(prefix))) throw new RangeError(`not a CIDR: ${raw}`);
      for (const list of [admitted, named]) list.addSubnet(net!, Number(prefix), type === 6 ? 'ipv6' : 'ipv4');
    } else if (isIP(entry)) {
      for (const list of [admitted, named]) list.addAddress(entry, isIP(entry) === 6 ? 'ipv6' : 'ipv4');
    } else if (entry.startsWith('*.')) suffixes.push(entry.slice(1));
    else hosts.push(hostname(entry));
  }
  if (allow.some((a) => a.trim().toLowerCase() === 'loopback')) hosts.push('localhost');

  const refuse = (host: string) => `${host} is not on the webhook allowlist (${allow.join(', ')}); widen it with --webhook-allow`;

  return (url) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'not a valid URL';
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `only http and https URLs are called (got ${parsed.protocol})`;
    const host = hostname(parsed.hostname.replace(/^\[|\]$/g, ''));
    const type = isIP(host);
    if (type) {
      const family = type === 6 ? 'ipv6' : 'ipv4';
      if (denied.check(host, family))
        return named.check(host, family) ? undefined : `${refuse(host)} (link-local and cloud metadata addresses must be named: a CIDR or the address)`;
      return anything || admitted.check(host, family) ? undefined : refuse(host);
    }
    if (DENIED_HOSTS.has(host)) return hosts.includes(host) ? undefined : `${refuse(host)} (cloud metadata hostnames must be named exactly)`;
    return anything || hosts.includes(host) || suffixes.some((s) => host.endsWith(s)) ? undefined : refuse(host);
  };
}

/** Lower case, without the trailing dots of a fully qualified name (`metadata.google.internal.`). */
function hostname(name: string): string {
  return name.toLowerCase().replace(/\.+$/, '');
}
