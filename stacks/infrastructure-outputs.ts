import { DataTerraformRemoteStateS3 } from 'cdktf';
import { Construct } from 'constructs';
import type { EnvironmentConfig } from '../environments/types.ts';
import { infrastructureStackName, type InfrastructureOutputName } from './infrastructure-stack.ts';
import { stateKey } from './stack-foundation.ts';

/**
 * The applied outputs of `hexabid-<env>`, read from its state at plan time.
 * Reads are typed by output name, so a renamed output fails to compile here.
 */
export class InfrastructureOutputs extends Construct {
  private readonly state: DataTerraformRemoteStateS3;

  constructor(scope: Construct, id: string, config: EnvironmentConfig) {
    super(scope, id);
    this.state = new DataTerraformRemoteStateS3(this, 'State', {
      bucket: config.state.bucket,
      key: stateKey(infrastructureStackName(config)),
      region: config.state.region,
      encrypt: true,
      kmsKeyId: config.state.kmsKeyId,
    });
  }

  string(name: InfrastructureOutputName): string {
    return this.state.getString(name);
  }

  list(name: InfrastructureOutputName): string[] {
    return this.state.getList(name);
  }
}
