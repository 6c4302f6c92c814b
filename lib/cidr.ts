/** Minimal IPv4 CIDR arithmetic for config validation. */

export interface Ipv4Cidr {
  readonly text: string;
  /** First address as an unsigned 32-bit integer. */
  readonly start: number;
  /** Last address (inclusive). */
  readonly end: number;
  readonly prefixLength: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * Parses "a.b.c.d/n". Returns undefined for anything malformed, including a
 * network address with host bits set (10.0.1.5/24), which AWS rejects.
 */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const match = CIDR_PATTERN.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefixLength = Number(match[5]);
  if (octets.some((o) => o > 255) || prefixLength > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefixLength);
  if (address % size !== 0) return undefined;
  return { text, start: address, end: address + size - 1, prefixLength };
}

export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return inner.start >= outer.start && inner.end <= outer.end;
}

export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** Addresses EC2 can hand out: AWS reserves five in every subnet. */
export function usableSubnetAddresses(cidr: Ipv4Cidr): number {
  return Math.max(0, cidr.end - cidr.start + 1 - 5);
}

/** The upper half of a block ("10.0.32.0/19" → "10.0.48.0/20"); undefined for a malformed or /32 block. */
export function upperHalf(text: string): string | undefined {
  const cidr = parseCidr(text);
  if (!cidr || cidr.prefixLength >= 32) return undefined;
  const start = cidr.start + (cidr.end - cidr.start + 1) / 2;
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(start / 2 ** shift) % 256);
  return `${octets.join('.')}/${cidr.prefixLength + 1}`;
}
