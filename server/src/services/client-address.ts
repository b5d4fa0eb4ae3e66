/**
 * The client's address behind reverse proxies (nginx in front of the nodes).
 *
 * `X-Forwarded-For` is believed only as far as it was written by a proxy the
 * operator named (`PORTAL_TRUSTED_PROXIES`): walking the header from the
 * right, each address counts only when the hop that reported it is trusted,
 * and the first address not vouched for by a trusted proxy is the client.
 * A peer that is not a trusted proxy is the client itself, whatever header
 * it sends, so a forged `X-Forwarded-For` cannot pick the address that
 * lockout (B9), rate limits and the audit log (B17) see.
 *
 * Home-made on Node's own `net.BlockList` (addresses and CIDR ranges, IPv4,
 * IPv6 and IPv4-mapped IPv6): the walk is a few lines, and Koa's `proxy`
 * switch trusts the header from every peer.
 */
import net from 'node:net';

/** Is `entry` an IP address or a CIDR range (`10.0.0.0/8`, `fd00::/8`)? */
export function isProxyEntry(entry: string): boolean {
  const [address = '', bits, ...rest] = entry.split('/');
  const family = net.isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/** The trusted proxies as a matcher; `entries` must pass {@link isProxyEntry}. */
export function trustedProxies(entries: readonly string[]): (address: string) => boolean {
  if (entries.length === 0) return () => false;
  const list = new net.BlockList();
  for (const entry of entries) {
    const [address = '', bits] = entry.split('/');
    const type = net.isIPv4(address) ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return (address) => {
    const family = net.isIP(address);
    return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  };
}

/**
 * The client's address: the peer, unless the peer is a trusted proxy, then
 * the right-most `X-Forwarded-For` entry not itself written by a trusted proxy
 * hop (or the left-most one when every hop is trusted). A malformed entry
 * ends the walk at the last address a trusted proxy vouched for.
 */
export function clientAddress(
  peer: string,
  forwardedFor: string | undefined,
  isTrusted: (address: string) => boolean,
): string {
  if (!forwardedFor || !isTrusted(peer)) return peer;
  const hops = forwardedFor
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!isTrusted(client)) break;
    const hop = hops[i] as string;
    if (net.isIP(hop) === 0) break;
    client = hop;
  }
  return client;
}
