import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';

/** Account, partition and region of the stack's default AWS provider. */
export interface AwsContext {
  readonly accountId: string;
  readonly partition: string;
  readonly region: string;
  /** The account as an IAM principal: access then follows the account's IAM policies. */
  readonly accountRootArn: string;
}

const CONTEXT_ID = 'AwsContext';

class AwsContextConstruct extends Construct implements AwsContext {
  readonly accountId: string;
  readonly partition: string;
  readonly region: string;
  readonly accountRootArn: string;

  constructor(scope: Construct) {
    super(scope, CONTEXT_ID);
    this.accountId = new DataAwsCallerIdentity(this, 'Caller').accountId;
    this.partition = new DataAwsPartition(this, 'Partition').partition;
    this.region = new DataAwsRegion(this, 'Region').region;
    this.accountRootArn = `arn:${this.partition}:iam::${this.accountId}:root`;
  }
}

/** One set of lookups per stack, shared by every construct that builds ARNs. */
export function awsContext(scope: Construct): AwsContext {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild(CONTEXT_ID);
  return existing instanceof AwsContextConstruct ? existing : new AwsContextConstruct(stack);
}
