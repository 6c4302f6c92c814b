import { createHash } from 'node:crypto';

/**
 * Identifiers that AWS generates (key IDs, the six characters after a secret's
 * name, VPC IDs): deterministic stand-ins derived from the stack and the
 * resource address, unique per resource and stable between runs, in the
 * format AWS uses, so that a policy that names them is checked like the real one.
 */
export class Placeholders {
  constructor(private readonly seed: string) {}

  private hex(purpose: string): string {
    return createHash('sha256').update(`${this.seed}\u0000${purpose}`).digest('hex');
  }

  /** `1234abcd-12ab-4cde-8f01-1234567890ab`, a UUID v4 layout. */
  uuid(purpose: string): string {
    const h = this.hex(purpose);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** Lower-case hex of a given length (`vpc-` IDs take 17). */
  hexId(purpose: string, length: number): string {
    return this.hex(purpose).slice(0, length);
  }

  /** Letters and digits, e.g. the six characters Secrets Manager appends to a secret's name. */
  alnum(purpose: string, length: number, upper = false): string {
    const alphabet = upper ? 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789' : 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    const bytes = createHash('sha256').update(`${this.seed}\u0000${purpose}`).digest();
    let out = '';
    for (let i = 0; out.length < length; i++) out += alphabet[bytes[i % bytes.length]! % alphabet.length];
    return out;
  }
}
