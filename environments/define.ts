import type { EnvironmentConfig } from './types.ts';

type DeepReadonly<T> = T extends (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

function deepFreeze<T>(value: T): DeepReadonly<T> {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value as DeepReadonly<T>;
}

/**
 * Copies and freezes an environment so no two environments share an object
 * and nothing can change one after it is defined.
 */
export function defineEnvironment(config: EnvironmentConfig): EnvironmentConfig {
  return deepFreeze(structuredClone(config)) as EnvironmentConfig;
}
