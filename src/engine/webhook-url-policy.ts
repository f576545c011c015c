/**
 * Where webhooks may go. A mock server that POSTs to any URL a client names is an SSRF tool, so
 * deliveries are limited to an allowlist; the default admits loopback and private ranges (local
 * development), and `--webhook-allow` widens it (hostnames, `*.suffix`, CIDRs, or `*` for anything).
 */
import { BlockList, isIP } from 'node:net';

export const DEFAULT_WEBHOOK_ALLOW = ['loopback', 'private'] as const;

const RANGES: Record<string, Array<[string, number, 'ipv4' | 'ipv6']>> = {
  loopback: [['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']],
  private: [['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4'], ['169.254.0.0', 16, 'ipv4'], ['fc00::', 7, 'ipv6'], ['fe80::', 10, 'ipv6']],
};

export type UrlPolicy = (url: string) => string | undefined;

/** Builds a checker that returns why a URL is refused, or undefined when it may be called. */
export function webhookUrlPolicy(allow: readonly string[] = DEFAULT_WEBHOOK_ALLOW): UrlPolicy {
  const list = new BlockList();
  const hosts: string[] = [];
  const suffixes: string[] = [];
  let anything = false;
  for (const raw of allow) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') anything = true;
    else if (RANGES[entry]) for (const [net, prefix, type] of RANGES[entry]) list.addSubnet(net, prefix, type);
    else if (entry.includes('/')) {
      const [net, prefix] = entry.split('/');
      const type = isIP(net ?? '');
      if (!type || !Number.isInteger(Number(prefix))) throw new RangeError(`not a CIDR: ${raw}`);
      list.addSubnet(net!, Number(prefix), type === 6 ? 'ipv6' : 'ipv4');
    } else if (entry.startsWith('*.')) suffixes.push(entry.slice(1));
    else hosts.push(entry);
  }
  if (allow.some((a) => a.trim().toLowerCase() === 'loopback')) hosts.push('localhost');

  return (url) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'not a valid URL';
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `only http and https URLs are called (got ${parsed.protocol})`;
    if (anything) return undefined;
    const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const type = isIP(host);
    if (type && list.check(host, type === 6 ? 'ipv6' : 'ipv4')) return undefined;
    if (!type && (hosts.includes(host) || suffixes.some((s) => host.endsWith(s)))) return undefined;
    return `${host} is not on the webhook allowlist (${allow.join(', ')}); widen it with --webhook-allow`;
  };
}
