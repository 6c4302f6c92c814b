import { resolveActor, workloadSession } from './actor.ts';
import { type AssumeCaller, type AssumeOptions, canAssume, type ReachableRole, reachableRoles } from './assume.ts';
import { evaluateActor } from './evaluate.ts';
import { buildInventory, type Inventory, type ResourceEntry, type RoleEntry, type Workload } from './inventory.ts';
import { type KubeDecision, type KubeRequest, KubernetesAccess } from './kubernetes-rbac.ts';
import { ResourceIndex } from './resource-index.ts';
import { type StackInput, StackSet } from './stack-set.ts';
import type { AccessRequest, Decision, PrincipalInput, SessionInput } from './types.ts';

/** Options of {@link loadAccessModel}. */
export interface AccessModelOptions {
  /**
   * The clock for `aws:CurrentTime` and `aws:EpochTime`.
   * @default - the time of loading
   */
  readonly now?: Date;
}

/**
 * The stacks' access, as AWS IAM and EKS would decide it. Built once from
 * synthesized stacks; every question after that is answered in memory.
 */
export class AccessModel {
  readonly inventory: Inventory;
  private readonly index: ResourceIndex;
  private readonly kube: KubernetesAccess;
  private readonly now: Date;

  constructor(readonly stacks: StackSet, options: AccessModelOptions = {}) {
    this.inventory = buildInventory(stacks);
    this.index = new ResourceIndex(this.inventory);
    this.kube = new KubernetesAccess(stacks);
    this.now = options.now ?? new Date();
  }

  /** Every role of the stacks (and of the application templates they deploy). */
  get roles(): readonly RoleEntry[] {
    return this.inventory.roles;
  }

  /** Every function, pod, add-on, node group and rotation function, with its role. */
  get workloads(): readonly Workload[] {
    return this.inventory.workloads;
  }

  /** The role with this ARN, or with this name when it is unique. */
  role(arnOrName: string): RoleEntry {
    const matches = this.inventory.roles.filter((r) => r.arn === arnOrName || r.name === arnOrName);
    if (matches.length === 0) throw new Error(`no role ${arnOrName} in the stacks`);
    if (new Set(matches.map((r) => r.arn)).size > 1) throw new Error(`${arnOrName} names roles in several accounts: use the ARN`);
    return matches[0]!;
  }

  /** The resource the stacks create with exactly this ARN (secret ARNs carry their six-character suffix: see {@link findResources}). */
  resource(arn: string): ResourceEntry {
    const entry = this.index.get(arn);
    if (!entry) throw new Error(`no resource ${arn} in the stacks`);
    return entry;
  }

  /** Resources whose ARN matches a test, e.g. every secret named `hexabid/production/...`. */
  findResources(test: (entry: ResourceEntry) => boolean): ResourceEntry[] {
    return this.index.all().filter(test);
  }

  /** The one workload that matches, e.g. `w => w.name === 'hexabid-production/hexabid-prod/hexabid-api'`. */
  workload(test: (workload: Workload) => boolean): Workload {
    const matches = this.inventory.workloads.filter(test);
    if (matches.length !== 1) throw new Error(`expected one workload, found ${matches.length}`);
    return matches[0]!;
  }

  /** The role session a workload runs as (pod identity session tags included). */
  sessionOf(workload: Workload, podName?: string): { session: SessionInput } {
    return { session: workloadSession(workload, podName) };
  }

  /** May the principal call the action on the resource with this context? */
  evaluate(request: AccessRequest | (Omit<AccessRequest, 'principal'> & { principal: PrincipalInput | Workload })): Decision {
    const actor = resolveActor(this.inventory, request.principal);
    const accountHint = request.context?.['aws:ResourceAccount'];
    const resource = this.index.resolve(request.resource, typeof accountHint === 'string' ? accountHint : actor.caller.account);
    return evaluateActor(actor, request.action, resource, request.context ?? {}, this.now);
  }

  /** May the caller get the role's credentials (trust, identity policy, boundary)? */
  canAssume(caller: AssumeCaller, roleArn: string, options: AssumeOptions = {}): Decision {
    return canAssume(this.inventory, this.index, caller, roleArn, options, this.now);
  }

  /** Every role the caller reaches through a chain of AssumeRole calls. */
  reachableRoles(caller: AssumeCaller, options: AssumeOptions = {}): ReachableRole[] {
    return reachableRoles(this.inventory, this.index, caller, options, this.now);
  }

  /** May the principal do this in the cluster (EKS access entries, access policies, RBAC)? */
  canKube(request: KubeRequest): KubeDecision {
    return this.kube.decide(request);
  }
}

/** Loads synthesized stacks into an access model; fails on any reference that does not resolve. */
export function loadAccessModel(stacks: readonly StackInput[], options: AccessModelOptions = {}): AccessModel {
  return new AccessModel(new StackSet(stacks), options);
}
