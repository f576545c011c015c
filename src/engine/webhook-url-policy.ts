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
 *
 * A host name is checked twice: its text (webhookUrlPolicy, before an attempt), and each address it
 * resolves to (webhookAddressPolicy, when a connection is opened: webhook-post.ts), so a name admitted
 * by `*` that resolves to 169.254.169.254 is refused too.
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
/** Why connecting to `address`, one that the host name `host` resolved to, is refused; undefined when it may be. */
export type AddressPolicy = (host: string, address: string) => string | undefined;

function subnets(list: BlockList, entries: readonly Subnet[]): BlockList {
  for (const [net, prefix, type] of entries) list.addSubnet(net, prefix, type);
  return list;
}

const denied = subnets(new BlockList(), [
  ...DENIED_V4,
  ...DENIED_V6,
  ...DENIED_V4.flatMap(([net, prefix]) => EMBEDDING_PREFIXES.map((p): Subnet => [`${p}${net}`, 96 + prefix, 'ipv6'])),
]);

/** Addresses of this machine or its networks: 0.0.0.0/8 and `::` connect to this machine, as loopback does. */
const internal = subnets(new BlockList(), [...RANGES.loopback!, ...RANGES.private!, ['0.0.0.0', 8, 'ipv4'], ['::', 128, 'ipv6']]);

/** How a host name is on the list: named exactly, by `*`, by `*.suffix`, or `localhost` by the `loopback` keyword. */
type NameMatch = 'named' | 'any' | 'suffix' | 'localhost';

interface Allowlist {
  /** Everything the entries admit; `named` only what CIDRs and IP addresses name. */
  admitted: BlockList;
  named: BlockList;
  /** `*` is on the list: it admits any address but link-local and metadata ones. */
  anything: boolean;
  match: (host: string) => NameMatch | undefined;
  refuse: (what: string) => string;
}

function compile(allow: readonly string[]): Allowlist {
  const admitted = new BlockList();
  const named = new BlockList();
  const hosts: string[] = [];
  const suffixes: string[] = [];
  let anything = false;
  let loopback = false;
  for (const raw of allow) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') anything = true;
    else if (RANGES[entry]) {
      subnets(admitted, RANGES[entry]);
      loopback ||= entry === 'loopback';
    } else if (entry.includes('/')) {
      const [net, prefix] = entry.split('/');
      const type = isIP(net ?? '');
      if (!type || !Number.isInteger(Number(prefix))) throw new RangeError(`not a CIDR: ${raw}`);
      for (const list of [admitted, named]) list.addSubnet(net!, Number(prefix), type === 6 ? 'ipv6' : 'ipv4');
    } else if (isIP(entry)) {
      for (const list of [admitted, named]) list.addAddress(entry, isIP(entry) === 6 ? 'ipv6' : 'ipv4');
    } else if (entry.startsWith('*.')) suffixes.push(entry.slice(1));
    else hosts.push(hostname(entry));
  }
  return {
    admitted,
    named,
    anything,
    match: (host) => {
      if (hosts.includes(host)) return 'named';
      if (DENIED_HOSTS.has(host)) return undefined;
      if (anything) return 'any';
      if (suffixes.some((s) => host.endsWith(s))) return 'suffix';
      return loopback && host === 'localhost' ? 'localhost' : undefined;
    },
    refuse: (what) => `${what} is not on the webhook allowlist (${allow.join(', ')}); widen it with --webhook-allow`,
  };
}

const MUST_BE_NAMED = '(link-local and cloud metadata addresses must be named: a CIDR or the address)';

/** Builds a checker that returns why a URL is refused, or undefined when it may be called. */
export function webhookUrlPolicy(allow: readonly string[] = DEFAULT_WEBHOOK_ALLOW): UrlPolicy {
  const { admitted, named, anything, match, refuse } = compile(allow);
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
      if (denied.check(host, family)) return named.check(host, family) ? undefined : `${refuse(host)} ${MUST_BE_NAMED}`;
      return anything || admitted.check(host, family) ? undefined : refuse(host);
    }
    if (match(host)) return undefined;
    return DENIED_HOSTS.has(host) ? `${refuse(host)} (cloud metadata hostnames must be named exactly)` : refuse(host);
  };
}

/**
 * Builds the check of an address a host name resolved to, made when a connection is opened (see
 * webhook-post.ts): the URL's host text says nothing of where a name leads. A name named exactly by an
 * entry leads wherever its owner's DNS says (that is how `metadata.google.internal` named exactly
 * works). A name admitted by `*`, `*.suffix` or, for `localhost`, by `loopback` leads only to an address
 * the list admits: never to a link-local or metadata address unless a CIDR or the address names it; under
 * `*` to any other address (as `*` admits any address in a URL); under `*.suffix` to public addresses,
 * and to loopback, private and 0.0.0.0/8 ones only when an entry admits them (`loopback`, `private`, a
 * CIDR), since a suffix admits names, not the machine's own networks they might resolve to.
 */
export function webhookAddressPolicy(allow: readonly string[] = DEFAULT_WEBHOOK_ALLOW): AddressPolicy {
  const { admitted, named, match, refuse } = compile(allow);
  return (name, address) => {
    const host = hostname(name);
    const how = match(host);
    if (!how) return refuse(host);
    if (how === 'named') return undefined;
    const type = isIP(address);
    if (!type) return `${host} resolved to ${address}, not an IP address`;
    const family = type === 6 ? 'ipv6' : 'ipv4';
    const what = `${address}, which ${host} resolves to,`;
    if (denied.check(address, family)) return named.check(address, family) ? undefined : `${refuse(what)} ${MUST_BE_NAMED}`;
    if (how === 'any' || admitted.check(address, family)) return undefined;
    if (how === 'localhost') return refuse(what);
    if (!internal.check(address, family)) return undefined;
    return `${refuse(what)} (*.suffix admits names, not the loopback and private addresses they resolve to: add loopback, private or a CIDR)`;
  };
}

/** Lower case, without the trailing dots of a fully qualified name (`metadata.google.internal.`). */
function hostname(name: string): string {
  return name.toLowerCase().replace(/\.+$/, '');
}
