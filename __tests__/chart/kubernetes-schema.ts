/**
 * Offline validation of rendered objects against Kubernetes' own schemas:
 * kubernetes-models (compiled OpenAPI validators) checks types, required
 * fields and enums; @kubernetes/client-node's generated models (OpenAPI
 * release-1.36) list every field a built-in kind has, which catches unknown
 * fields, the mistake the API server would silently drop or reject.
 */
import * as clientModels from '@kubernetes/client-node/dist/gen/models/all.js';
import { ClusterSecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ClusterSecretStore';
import { ExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { KubeObject } from './helm.ts';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: any) => Validatable;

/** Typed models by apiVersion/kind; a kind the chart starts rendering must be added here. */
const MODELS: Record<string, ModelClass> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/CronJob': CronJob,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'external-secrets.io/v1/ExternalSecret': ExternalSecret,
  'external-secrets.io/v1/ClusterSecretStore': ClusterSecretStore,
  'monitoring.coreos.com/v1/PodMonitor': PodMonitor,
};

/**
 * Custom resources: their kubernetes-models validators check types and
 * required fields, but no field list ships for them, so unknown fields go
 * unchecked there.
 */
const CUSTOM_RESOURCE_GROUPS = ['external-secrets.io', 'monitoring.coreos.com'];

interface Attribute {
  baseName: string;
  type: string;
}
const clientModelMap = clientModels as unknown as Record<string, { attributeTypeMap?: Attribute[] } | undefined>;
const LEAF_TYPES = new Set(['string', 'number', 'boolean', 'Date', 'IntOrString', 'any', 'object', 'RawExtension']);

/** Field paths in `value` that the client-node model `typeName` does not define. */
function unknownFields(value: unknown, typeName: string, path: string): string[] {
  if (value === null || value === undefined || LEAF_TYPES.has(typeName)) return [];
  const array = /^Array<(.+)>$/.exec(typeName);
  if (array) return Array.isArray(value) ? value.flatMap((item, i) => unknownFields(item, array[1]!, `${path}[${i}]`)) : [];
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(typeName);
  if (map) return Object.entries(value as object).flatMap(([k, v]) => unknownFields(v, map[1]!, `${path}.${k}`));
  const attributes = clientModelMap[typeName]?.attributeTypeMap;
  if (!attributes) return [`${path}: no schema for type ${typeName}`];
  if (typeof value !== 'object') return [];
  return Object.entries(value as object).flatMap(([key, child]) => {
    const attribute = attributes.find((a) => a.baseName === key);
    return attribute ? unknownFields(child, attribute.type, `${path}.${key}`) : [`${path}.${key}: unknown field of ${typeName}`];
  });
}

/** client-node's class for a built-in kind, e.g. apps/v1 Deployment → V1Deployment. */
function clientModelName(object: KubeObject): string | undefined {
  const version = object.apiVersion.split('/').pop()!;
  const name = `${version.charAt(0).toUpperCase()}${version.slice(1)}${object.kind}`;
  return clientModelMap[name]?.attributeTypeMap ? name : undefined;
}

/** Every schema problem of one object; empty when it is valid. */
export function schemaProblems(object: KubeObject): string[] {
  const where = `${object.kind}/${object.metadata?.name}`;
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) return [`${where}: no schema known for ${object.apiVersion} ${object.kind}`];
  const problems: string[] = [];
  try {
    new Model(object).validate();
  } catch (error) {
    problems.push(`${where}: ${(error as Error).message}`);
  }
  const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0]! : '';
  if (CUSTOM_RESOURCE_GROUPS.includes(group)) return problems;
  const modelName = clientModelName(object);
  if (!modelName) return [...problems, `${where}: built-in kind without a client-node model`];
  return [...problems, ...unknownFields(object, modelName, where)];
}
