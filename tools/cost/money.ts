/** Dollar amounts as the outputs show them. */

/** `$1,234.56`; whole dollars with `cents: false`. */
export function usd(amount: number, options: { readonly cents?: boolean } = {}): string {
  const cents = options.cents ?? true;
  const rounded = Math.abs(amount) < 0.005 ? 0 : amount;
  const text = Math.abs(rounded).toLocaleString('en-US', { minimumFractionDigits: cents ? 2 : 0, maximumFractionDigits: cents ? 2 : 0 });
  return `${rounded < 0 ? '-' : ''}$${text}`;
}

/** `+$12.00` / `-$3.50` / `$0.00`. */
export function signedUsd(amount: number, options: { readonly cents?: boolean } = {}): string {
  const text = usd(amount, options);
  return Math.abs(amount) < 0.005 ? text : amount > 0 ? `+${text}` : text;
}

/** `+74%`, or an empty string without a base. */
export function percent(delta: number, base: number): string {
  if (base === 0) return '';
  const value = (delta / base) * 100;
  return `${value > 0 ? '+' : ''}${value.toFixed(0)}%`;
}

/** A unit price with the digits it has, at least cents: `$0.0448`, `$0.10`, `$2.40`, `$0.0000133334`. */
export function unitPrice(amount: number): string {
  const text = String(Number(amount.toPrecision(6)));
  const [whole, fraction = ''] = text.includes('e') ? [amount.toFixed(10).replace(/0+$/, ''), ''] : text.split('.');
  return text.includes('e') ? `$${whole}` : `$${whole}.${fraction.padEnd(2, '0')}`;
}

/** Rounds to cents, for JSON. */
export function cents(amount: number): number {
  return Math.round(amount * 100) / 100;
}
