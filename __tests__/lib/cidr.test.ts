import { describe, expect, it } from 'vitest';
import { cidrContains, cidrsOverlap, parseCidr, usableSubnetAddresses } from '../../lib/cidr.ts';

describe('CIDR arithmetic', () => {
  it('parses networks and refuses malformed ones or ones with host bits', () => {
    expect(parseCidr('10.0.32.0/19')).toMatchObject({ start: 10 * 2 ** 24 + 32 * 256, prefixLength: 19 });
    for (const bad of ['10.0.0.0', '10.0.0/16', '10.0.0.256/24', '10.0.0.0/33', '10.0.1.0/16', ' 10.0.0.0/16']) {
      expect(parseCidr(bad)).toBeUndefined();
    }
  });

  it('tells containment and overlap', () => {
    const vpc = parseCidr('10.0.0.0/16')!;
    expect(cidrContains(vpc, parseCidr('10.0.96.0/19')!)).toBe(true);
    expect(cidrContains(vpc, parseCidr('10.1.0.0/24')!)).toBe(false);
    expect(cidrsOverlap(parseCidr('10.0.0.0/24')!, parseCidr('10.0.0.128/25')!)).toBe(true);
    expect(cidrsOverlap(parseCidr('10.0.0.0/24')!, parseCidr('10.0.1.0/24')!)).toBe(false);
  });

  it('counts the addresses EC2 can use: all but the five AWS reserves', () => {
    expect(usableSubnetAddresses(parseCidr('10.0.0.0/24')!)).toBe(251);
    expect(usableSubnetAddresses(parseCidr('10.0.32.0/19')!)).toBe(8187);
  });
});
