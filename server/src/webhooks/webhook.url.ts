import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import ipaddr from 'ipaddr.js';
import { badInput } from '../errors';

/**
 * Webhook URLs must not reach into our own network (SSRF): only public unicast addresses, plus
 * loopback when WEBHOOK_ALLOW_LOOPBACK is set (tests). The check runs on the address each
 * connection actually uses (a `lookup` hook), so a name that resolves to a public address at
 * creation and a private one later (DNS rebinding) is still refused. ipaddr.js classifies the
 * ranges (private, linkLocal, uniqueLocal, carrierGradeNat, reserved, …; v4-mapped v6 unwrapped).
 */
export function addressAllowed(address: string, allowLoopback: boolean): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const range = parsed.range();
  return range === 'unicast' || (allowLoopback && range === 'loopback');
}

/** Parses and checks an endpoint URL: http(s), no credentials, and a literal address (if any) allowed. */
export function checkWebhookUrl(value: unknown, allowLoopback: boolean): string {
  if (typeof value !== 'string' || value.length > 2000)
    throw badInput('url', 'must be a URL of at most 2000 characters');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badInput('url', 'must be an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badInput('url', 'must use http or https');
  if (url.username || url.password) throw badInput('url', 'must not carry credentials');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(host) && !addressAllowed(host, allowLoopback))
    throw badInput('url', 'must not point at a loopback, private or link-local address');
  if (!ipaddr.isValid(host) && host.toLowerCase() === 'localhost' && !allowLoopback)
    throw badInput('url', 'must not point at a loopback, private or link-local address');
  return url.toString();
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for http.request that refuses disallowed addresses (see addressAllowed). */
export function guardedLookup(allowLoopback: boolean) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const list = addresses as LookupAddress[];
      const bad = list.find((a) => !addressAllowed(a.address, allowLoopback));
      if (bad) {
        const refused = Object.assign(new Error(`${hostname} resolves to ${bad.address}, a non-public address`), {
          code: 'EADDRNOTALLOWED',
        });
        return callback(refused, '');
      }
      if (options.all) return callback(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
