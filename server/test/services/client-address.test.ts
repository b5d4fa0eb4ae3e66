import { describe, expect, it } from 'vitest';
import { clientAddress, isProxyEntry, trustedProxies } from '../../src/services/client-address.ts';

describe('client address behind trusted proxies (B9, B17)', () => {
  const trusted = trustedProxies(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);

  it('accepts addresses and CIDR ranges, refuses anything else', () => {
    for (const entry of ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', '0.0.0.0/0']) {
      expect(isProxyEntry(entry), entry).toBe(true);
    }
    for (const entry of ['', 'nginx', '10.0.0.0/33', 'fd00::/129', '10.0.0.0/8/1', '10.0.0.0/x', '1.2.3']) {
      expect(isProxyEntry(entry), entry).toBe(false);
    }
  });

  it('B9: a peer that is not a trusted proxy is the client, whatever X-Forwarded-For it forges', () => {
    expect(clientAddress('192.0.2.7', '203.0.113.9', trusted)).toBe('192.0.2.7');
    expect(clientAddress('192.0.2.7', '127.0.0.1, 10.0.0.1', trusted)).toBe('192.0.2.7');
    // No proxies configured: nobody's header counts.
    expect(clientAddress('127.0.0.1', '203.0.113.9', trustedProxies([]))).toBe('127.0.0.1');
  });

  it('B17: behind trusted proxies the client is the right-most address no trusted proxy wrote', () => {
    expect(clientAddress('127.0.0.1', '198.51.100.4', trusted)).toBe('198.51.100.4');
    // IPv4-mapped peer (a dual-stack listener).
    expect(clientAddress('::ffff:127.0.0.1', '198.51.100.4', trusted)).toBe('198.51.100.4');
    // Two trusted hops (load balancer, then nginx).
    expect(clientAddress('127.0.0.1', '198.51.100.4, 10.1.2.3', trusted)).toBe('198.51.100.4');
    // A forged entry left of the real client is ignored: the first proxy appended the real peer.
    expect(clientAddress('127.0.0.1', '203.0.113.9, 198.51.100.4', trusted)).toBe('198.51.100.4');
    // Every hop trusted: the left-most.
    expect(clientAddress('127.0.0.1', '10.0.0.5, 10.0.0.6', trusted)).toBe('10.0.0.5');
    // No header: the proxy itself.
    expect(clientAddress('127.0.0.1', undefined, trusted)).toBe('127.0.0.1');
  });

  it('a malformed entry ends the walk at the last address a trusted proxy vouched for', () => {
    expect(clientAddress('127.0.0.1', 'unknown', trusted)).toBe('127.0.0.1');
    expect(clientAddress('127.0.0.1', 'garbage, 10.0.0.7', trusted)).toBe('10.0.0.7');
    expect(clientAddress('127.0.0.1', 'x, 198.51.100.4', trusted)).toBe('198.51.100.4');
  });
});
