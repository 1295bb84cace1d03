import { describe, expect, it } from 'vitest';
import { fetchAllowedFile, hostAllowed, isPublicAddress } from '../../src/channels/file-fetch.ts';

describe('outbound file fetch rules (pure parts)', () => {
  it('treats loopback, private, link-local, metadata, CGNAT and IPv4-mapped forms of them as not public', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '0.0.0.0', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd00::1', 'fc00::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:169.254.169.254', '::ffff:10.0.0.1', '64:ff9b::a9fe:a9fe', 'not an address']) {
      expect({ address, public: isPublicAddress(address) }).toEqual({ address, public: false });
    }
    for (const address of ['8.8.8.8', '52.112.0.1', '172.32.0.1', '2606:4700:4700::1111', '2603:1020::1']) {
      expect({ address, public: isPublicAddress(address) }).toEqual({ address, public: true });
    }
  });

  it('matches exact hosts and subdomains of *.patterns, never the bare or a look-alike domain', () => {
    const patterns = ['*.sharepoint.com', 'smba.trafficmanager.net', '127.0.0.1'];
    expect(hostAllowed('contoso.sharepoint.com', patterns)).toBe(true);
    expect(hostAllowed('a.b.sharepoint.com', patterns)).toBe(true);
    expect(hostAllowed('smba.trafficmanager.net', patterns)).toBe(true);
    expect(hostAllowed('127.0.0.1', patterns)).toBe(true);
    for (const host of ['sharepoint.com', 'evilsharepoint.com', 'sharepoint.com.evil.example', 'x.smba.trafficmanager.net', 'trafficmanager.net', '127.0.0.2', 'localhost']) {
      expect({ host, allowed: hostAllowed(host, patterns) }).toEqual({ host, allowed: false });
    }
  });

  it('refuses other schemes and URLs with credentials without connecting', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://127.0.0.1/x', 'http://user:pass@127.0.0.1/x', 'not a url']) {
      expect(await fetchAllowedFile(url, { allowedHosts: ['127.0.0.1'], maxBytes: 1000 })).toEqual({ ok: false, reason: 'not_allowed' });
    }
  });
});
