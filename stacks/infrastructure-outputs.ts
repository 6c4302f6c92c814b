import { DataTerraformRemoteStateS3 } from 'cdktf';
import { Construct } from 'constructs';
import type { EnvironmentConfig } from '../environments/types.ts';
import type { InfrastructureOutputName, StandbyOutputName } from './stack-outputs.ts';
import { stateKey } from './stack-foundation.ts';
import { infrastructureStackName, standbyStackName } from '../environments/stack-names.ts';

/**
 * The applied outputs of another stack of the same environment, read from its
 * state at plan time. Reads are typed by output name, so a renamed output
 * fails to compile here.
 */
export class StackOutputs<Name extends string> extends Construct {
  private readonly state: DataTerraformRemoteStateS3;

  constructor(scope: Construct, id: string, config: EnvironmentConfig, stackName: string) {
    super(scope, id);
    this.state = new DataTerraformRemoteStateS3(this, 'State', {
      bucket: config.state.bucket,
      key: stateKey(stackName),
      region: config.state.region,
      encrypt: true,
      kmsKeyId: config.state.kmsKeyId,
    });
  }

  string(name: Name): string {
    return this.state.getString(name);
  }

  number(name: Name): number {
    return this.state.getNumber(name);
  }

  list(name: Name): string[] {
    return this.state.getList(name);
  }
}

/** The outputs of `hexabid-<env>`, which the Kubernetes stack reads. */
export class InfrastructureOutputs extends StackOutputs<InfrastructureOutputName> {
  constructor(scope: Construct, id: string, config: EnvironmentConfig) {
    super(scope, id, config, infrastructureStackName(config));
  }
}

/** The outputs of a standby's always-on stack, which its infrastructure stack reads on failover. */
export class StandbyOutputs extends StackOutputs<StandbyOutputName> {
  constructor(scope: Construct, id: string, config: EnvironmentConfig) {
    super(scope, id, config, standbyStackName(config));
  }
}
