import { createHash } from 'node:crypto';

/**
 * Terraform string templates as they appear in synthesized JSON: literal
 * text with `${expression}` interpolations, `$${` for a literal `${` and
 * `%%{` for a literal `%{`. The expressions the stacks put in policies are
 * references (`aws_s3_bucket.X.arn`, `data.terraform_remote_state.X.outputs.y`),
 * literals, lists, objects and a few functions; anything else fails loudly
 * rather than being guessed.
 */

/** A value Terraform can hold. */
export type TfValue = string | number | boolean | null | readonly TfValue[] | { readonly [key: string]: TfValue };

/** A traversal step after the root name: an attribute or an index. */
export type Step = string | number;

/** Resolves a reference such as `aws_iam_role.X.arn` (root `aws_iam_role`, steps `['X', 'arn']`). */
export type ReferenceResolver = (root: string, steps: readonly Step[], text: string) => TfValue;

/** An expression the engine cannot evaluate, with the text that failed. */
export class TemplateError extends Error {
  constructor(readonly expression: string, problem: string) {
    super(`${problem} in \${${expression}}`);
    this.name = 'TemplateError';
  }
}

type Node =
  | { kind: 'literal'; value: TfValue }
  | { kind: 'template'; parts: (string | Node)[] }
  | { kind: 'ref'; root: string; steps: (Step | Node)[] }
  | { kind: 'index'; target: Node; steps: (Step | Node)[] }
  | { kind: 'call'; name: string; args: Node[] }
  | { kind: 'list'; items: Node[] }
  | { kind: 'object'; entries: [Node, Node][] };

class Parser {
  pos = 0;
  constructor(readonly src: string, readonly whole: string) {}

  fail(problem: string): never {
    throw new TemplateError(this.whole, problem);
  }

  ws(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos]!)) this.pos++;
  }

  peek(): string {
    this.ws();
    return this.src[this.pos] ?? '';
  }

  eat(ch: string): void {
    if (this.peek() !== ch) this.fail(`expected "${ch}" at ${this.pos}`);
    this.pos++;
  }

  ident(): string {
    this.ws();
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.src.slice(this.pos));
    if (!m) this.fail(`expected a name at ${this.pos}`);
    this.pos += m[0].length;
    return m[0];
  }

  expression(): Node {
    const node = this.postfix(this.primary());
    const next = this.peek();
    if (next && !',)]}:='.includes(next)) this.fail(`unsupported operator "${next}"`);
    return node;
  }

  postfix(node: Node): Node {
    const steps: (Step | Node)[] = [];
    for (;;) {
      const ch = this.peek();
      if (ch === '.') {
        this.pos++;
        this.ws();
        const num = /^\d+/.exec(this.src.slice(this.pos));
        if (num) {
          this.pos += num[0].length;
          steps.push(Number(num[0]));
        } else if (this.src[this.pos] === '*') {
          this.fail('splat expressions are not supported');
        } else {
          steps.push(this.ident());
        }
      } else if (ch === '[') {
        this.pos++;
        if (this.peek() === '*') this.fail('splat expressions are not supported');
        const index = this.expression();
        this.eat(']');
        steps.push(index.kind === 'literal' && (typeof index.value === 'string' || typeof index.value === 'number') ? index.value : index);
      } else {
        break;
      }
    }
    if (steps.length === 0) return node;
    if (node.kind === 'ref') return { kind: 'ref', root: node.root, steps: [...node.steps, ...steps] };
    return { kind: 'index', target: node, steps };
  }

  primary(): Node {
    const ch = this.peek();
    if (ch === '"') return this.quoted();
    if (ch === '[') {
      this.pos++;
      const items: Node[] = [];
      while (this.peek() !== ']') {
        items.push(this.expression());
        if (this.peek() === ',') this.pos++;
        else break;
      }
      this.eat(']');
      return { kind: 'list', items };
    }
    if (ch === '{') {
      this.pos++;
      const entries: [Node, Node][] = [];
      while (this.peek() !== '}') {
        const key = this.peek() === '"' ? this.quoted() : { kind: 'literal' as const, value: this.ident() };
        const sep = this.peek();
        if (sep !== '=' && sep !== ':') this.fail('expected "=" in an object');
        this.pos++;
        entries.push([key, this.expression()]);
        if (this.peek() === ',') this.pos++;
      }
      this.eat('}');
      return { kind: 'object', entries };
    }
    if (ch === '(') {
      this.pos++;
      const inner = this.expression();
      this.eat(')');
      return inner;
    }
    const num = /^-?\d+(\.\d+)?/.exec(this.src.slice(this.pos));
    if (num) {
      this.pos += num[0].length;
      return { kind: 'literal', value: Number(num[0]) };
    }
    const name = this.ident();
    if (name === 'true' || name === 'false') return { kind: 'literal', value: name === 'true' };
    if (name === 'null') return { kind: 'literal', value: null };
    if (name === 'for') this.fail('for expressions are not supported');
    if (this.peek() === '(') {
      this.pos++;
      const args: Node[] = [];
      while (this.peek() !== ')') {
        args.push(this.expression());
        if (this.peek() === ',') this.pos++;
        else break;
      }
      this.eat(')');
      return { kind: 'call', name, args };
    }
    return { kind: 'ref', root: name, steps: [] };
  }

  /** A quoted string with escapes and nested templates. */
  quoted(): Node {
    this.eat('"');
    const parts: (string | Node)[] = [];
    let text = '';
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === '"') {
        this.pos++;
        if (text) parts.push(text);
        return parts.length === 1 && typeof parts[0] === 'string'
          ? { kind: 'literal', value: parts[0] }
          : parts.length === 0 ? { kind: 'literal', value: '' } : { kind: 'template', parts };
      }
      if (c === '\\') {
        const e = this.src[this.pos + 1];
        text += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : (e ?? '');
        this.pos += 2;
      } else if (this.src.startsWith('$${', this.pos)) {
        text += '${';
        this.pos += 3;
      } else if (this.src.startsWith('${', this.pos)) {
        if (text) parts.push(text);
        text = '';
        this.pos += 2;
        parts.push(this.expression());
        this.eat('}');
      } else {
        text += c;
        this.pos++;
      }
    }
    return this.fail('unterminated string');
  }
}

/** Finds where the interpolation that starts at `start` (just after `${`) ends. */
function interpolationEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      i = stringEnd(text, i + 1);
    } else if (c === '{') {
      depth++;
    } else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** The index of the quote that closes a string opened just before `start`. */
function stringEnd(text: string, start: number): number {
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      i++;
    } else if (text.startsWith('$${', i)) {
      i += 2;
    } else if (text.startsWith('${', i)) {
      const end = interpolationEnd(text, i + 2);
      if (end < 0) return text.length;
      i = end;
    } else if (c === '"') {
      return i;
    }
  }
  return text.length;
}

function toText(value: TfValue, expression: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TemplateError(expression, `a ${value === null ? 'null' : Array.isArray(value) ? 'list' : 'map'} cannot be interpolated into a string`);
}

function jsonEncode(value: TfValue): string {
  return JSON.stringify(value);
}

function asList(value: TfValue, fn: string, expression: string): readonly TfValue[] {
  if (!Array.isArray(value)) throw new TemplateError(expression, `${fn}() needs a list`);
  return value as readonly TfValue[];
}

function evaluate(node: Node, resolve: ReferenceResolver, whole: string): TfValue {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'template':
      return node.parts.map((p) => (typeof p === 'string' ? p : toText(evaluate(p, resolve, whole), whole))).join('');
    case 'list':
      return node.items.map((item) => evaluate(item, resolve, whole));
    case 'object': {
      const out: Record<string, TfValue> = {};
      for (const [k, v] of node.entries) out[toText(evaluate(k, resolve, whole), whole)] = evaluate(v, resolve, whole);
      return out;
    }
    case 'ref': {
      const steps = node.steps.map((s) => (typeof s === 'object' ? (toStep(evaluate(s, resolve, whole), whole)) : s));
      return resolve(node.root, steps, whole);
    }
    case 'index': {
      let value = evaluate(node.target, resolve, whole);
      for (const s of node.steps) {
        const step = typeof s === 'object' ? toStep(evaluate(s, resolve, whole), whole) : s;
        value = traverse(value, [step], whole);
      }
      return value;
    }
    case 'call':
      return call(node.name, node.args.map((a) => evaluate(a, resolve, whole)), whole);
  }
}

function toStep(value: TfValue, expression: string): Step {
  if (typeof value === 'string' || typeof value === 'number') return value;
  throw new TemplateError(expression, 'an index must be a string or a number');
}

/** Walks attributes and indexes into a value; fails on a missing one. */
export function traverse(value: TfValue, steps: readonly Step[], expression: string): TfValue {
  let current = value;
  for (const step of steps) {
    if (Array.isArray(current) && typeof step === 'number') {
      if (step >= current.length) throw new TemplateError(expression, `index ${step} is out of range`);
      current = current[step] as TfValue;
    } else if (current !== null && typeof current === 'object' && !Array.isArray(current) && String(step) in current) {
      current = (current as Record<string, TfValue>)[String(step)]!;
    } else {
      throw new TemplateError(expression, `there is no "${step}"`);
    }
  }
  return current;
}

function call(name: string, args: TfValue[], expression: string): TfValue {
  switch (name) {
    case 'element': {
      const list = asList(args[0]!, name, expression);
      const index = Number(args[1]);
      if (list.length === 0 || !Number.isInteger(index)) throw new TemplateError(expression, 'element() needs a non-empty list and an integer');
      return list[index % list.length]!;
    }
    case 'reverse':
      return [...asList(args[0]!, name, expression)].reverse();
    case 'split':
      return toText(args[1]!, expression).split(toText(args[0]!, expression));
    case 'join':
      return asList(args[1]!, name, expression).map((v) => toText(v, expression)).join(toText(args[0]!, expression));
    case 'concat':
      return args.flatMap((a) => asList(a, name, expression));
    case 'jsonencode':
      return jsonEncode(args[0]!);
    case 'lower':
      return toText(args[0]!, expression).toLowerCase();
    case 'upper':
      return toText(args[0]!, expression).toUpperCase();
    case 'tostring':
      return toText(args[0]!, expression);
    case 'tolist':
      return asList(args[0]!, name, expression);
    case 'trimprefix': {
      const s = toText(args[0]!, expression);
      const prefix = toText(args[1]!, expression);
      return s.startsWith(prefix) ? s.slice(prefix.length) : s;
    }
    case 'sha256':
      return createHash('sha256').update(toText(args[0]!, expression)).digest('hex');
    case 'substr': {
      const s = toText(args[0]!, expression);
      const offset = Number(args[1]);
      const length = Number(args[2]);
      return length < 0 ? s.slice(offset) : s.slice(offset, offset + length);
    }
    case 'replace':
      return toText(args[0]!, expression).split(toText(args[1]!, expression)).join(toText(args[2]!, expression));
    default:
      throw new TemplateError(expression, `the function ${name}() is not modelled`);
  }
}

/** Whether a string holds any interpolation (not counting `$${` escapes). */
export function hasInterpolation(text: string): boolean {
  return /(^|[^$])\$\{/.test(text) || /(^|[^%])%\{/.test(text);
}

/**
 * Renders a template. A string that is exactly one interpolation yields the
 * expression's value as is (a list stays a list), as Terraform does.
 */
export function renderTemplate(text: string, resolve: ReferenceResolver): TfValue {
  if (!text.includes('${') && !text.includes('%{')) return text;
  const parts: TfValue[] = [];
  let literal = '';
  let i = 0;
  let single: TfValue | undefined;
  let interpolations = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      literal += '${';
      i += 3;
    } else if (text.startsWith('%%{', i)) {
      literal += '%{';
      i += 3;
    } else if (text.startsWith('%{', i)) {
      throw new TemplateError(text.slice(i + 2, i + 40), 'template directives (%{...}) are not supported');
    } else if (text.startsWith('${', i)) {
      const end = interpolationEnd(text, i + 2);
      if (end < 0) throw new TemplateError(text.slice(i + 2), 'unterminated interpolation');
      const source = text.slice(i + 2, end);
      const parser = new Parser(source, source);
      const node = parser.expression();
      if (parser.peek() !== '') parser.fail(`unexpected "${parser.peek()}"`);
      const value = evaluate(node, resolve, source);
      if (literal) parts.push(literal);
      literal = '';
      parts.push(value);
      single = value;
      interpolations++;
      i = end + 1;
    } else {
      literal += text[i];
      i++;
    }
  }
  if (literal) parts.push(literal);
  if (interpolations === 1 && parts.length === 1) return single!;
  return parts.map((p) => toText(p, text)).join('');
}

/** Renders every string inside a JSON value, keeping its shape. */
export function renderDeep(value: unknown, resolve: ReferenceResolver): TfValue {
  if (typeof value === 'string') return renderTemplate(value, resolve);
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, resolve));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, TfValue> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === '//') continue;
      out[k] = renderDeep(v, resolve);
    }
    return out;
  }
  return value as TfValue;
}
