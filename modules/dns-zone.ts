import { DataAwsRoute53Zone } from '@cdktf/provider-aws/lib/data-aws-route53-zone';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { Construct } from 'constructs';

export interface DnsZoneProps {
  /** The zone's name, e.g. `hexabid.in` or `staging.hexabid.in`. */
  readonly zoneName: string;
  /**
   * Create the zone (true) or look up an existing public zone (false).
   * @default false
   */
  readonly create?: boolean;
  /**
   * For a created zone: an existing public zone to delegate from with NS records.
   * @default - no delegation; the zone's name servers are an output to delegate by hand
   */
  readonly parentZoneName?: string;
}

/** A public Route53 hosted zone, created here or looked up by name. */
export class DnsZone extends Construct {
  readonly zoneId: string;
  readonly zoneName: string;
  readonly zoneArn: string;
  readonly nameServers: string[];

  constructor(scope: Construct, id: string, props: DnsZoneProps) {
    super(scope, id);
    if (props.create) {
      const zone = new Route53Zone(this, 'Zone', { name: props.zoneName, comment: `Managed by cdktf (${props.zoneName})` });
      this.zoneId = zone.zoneId;
      this.zoneArn = zone.arn;
      this.nameServers = zone.nameServers;
      if (props.parentZoneName) {
        const parent = new DataAwsRoute53Zone(this, 'Parent', { name: props.parentZoneName, privateZone: false });
        new Route53Record(this, 'Delegation', { zoneId: parent.zoneId, name: props.zoneName, type: 'NS', ttl: 172800, records: zone.nameServers });
      }
    } else {
      const zone = new DataAwsRoute53Zone(this, 'Zone', { name: props.zoneName, privateZone: false });
      this.zoneId = zone.zoneId;
      this.zoneArn = zone.arn;
      this.nameServers = zone.nameServers;
    }
    this.zoneName = props.zoneName;
  }
}
