/**
 * Which values the plan summary must not print. Terraform marks sensitive
 * values in before_sensitive/after_sensitive, objects that mirror the value
 * with `true` at sensitive leaves, or a bare `true` for the whole value. A
 * mark covers everything below it. Names that look like credentials are
 * treated as sensitive as well, in case a provider forgot to mark one.
 */
import type { JsonValue, PathStep, Plan } from './plan-format.ts';

/** Attribute names whose values are never shown, marked or not. */
const CREDENTIAL_NAME =
  /pass(?:word|wd|phrase)|secret|token|private[_-]?key|key[_-]?material|auth|credential|api[_-]?key|access[_-]?key|client[_-]?key|signing[_-]?key|ssh[_-]?key|cookie|salt|seed|connection[_-]?string|kubeconfig|certificate|user[_-]?data/i;

export function looksLikeCredential(name: string): boolean {
  return CREDENTIAL_NAME.test(name);
}

function child(marks: JsonValue, step: PathStep): JsonValue {
  if (Array.isArray(marks)) return typeof step === 'number' ? ((marks as readonly JsonValue[])[step] ?? false) : false;
  if (typeof marks === 'object' && marks !== null) return (marks as { readonly [key: string]: JsonValue })[String(step)] ?? false;
  return false;
}

/** Whether marks make the value at path sensitive: the path itself or any ancestor is marked true. */
export function isSensitiveAt(marks: JsonValue, path: readonly PathStep[]): boolean {
  let node = marks;
  for (const step of path) {
    if (node === true) return true;
    node = child(node, step);
  }
  return node === true;
}

/** Whether any mark is true anywhere in marks: some part of the value is sensitive. */
export function containsSensitive(marks: JsonValue): boolean {
  if (marks === true) return true;
  if (Array.isArray(marks)) return (marks as readonly JsonValue[]).some(containsSensitive);
  if (typeof marks === 'object' && marks !== null) return Object.values(marks).some(containsSensitive);
  return false;
}

/** Whether marks (sensitive or unknown ones) cover the value at path or anything inside it. */
export function touchesMark(marks: JsonValue, path: readonly PathStep[]): boolean {
  if (isSensitiveAt(marks, path)) return true;
  let node = marks;
  for (const step of path) node = child(node, step);
  return containsSensitive(node);
}

/** Sensitive strings shorter than this are too common ("true", "admin") to search for. */
const MIN_SECRET_LENGTH = 6;

/**
 * Every sensitive string in a plan's changes, drift included: the last check
 * before a value is printed, so that a secret that also sits unmarked in some
 * other attribute is caught by the marked copy.
 */
export class SecretIndex {
  private readonly secrets = new Set<string>();

  static of(plan: Plan): SecretIndex {
    const index = new SecretIndex();
    for (const resource of [...plan.resource_changes, ...plan.resource_drift]) {
      index.add(resource.change.before, resource.change.before_sensitive, false);
      index.add(resource.change.after, resource.change.after_sensitive, false);
    }
    return index;
  }

  private add(value: JsonValue, marks: JsonValue, inherited: boolean): void {
    const sensitive = inherited || marks === true;
    if (typeof value === 'string') {
      if (sensitive && value.length >= MIN_SECRET_LENGTH) this.secrets.add(value);
    } else if (Array.isArray(value)) {
      (value as readonly JsonValue[]).forEach((v, i) => this.add(v, child(marks, i), sensitive));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, v] of Object.entries(value)) this.add(v, child(marks, key), sensitive || looksLikeCredential(key));
    }
  }

  /** Whether printing text could show a sensitive string, whole or in part. */
  mayReveal(text: string): boolean {
    for (const secret of this.secrets) {
      if (text.includes(secret) || (text.length >= MIN_SECRET_LENGTH && secret.includes(text))) return true;
    }
    return false;
  }

  get size(): number {
    return this.secrets.size;
  }
}
