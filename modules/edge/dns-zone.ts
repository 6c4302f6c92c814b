import { DataAwsRoute53Zone } from '@cdktf/provider-aws/lib/data-aws-route53-zone';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { Construct } from 'constructs';
import { requireProps, withDefaults } from '../internal/props.ts';

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
  /**
   * For a created zone: the reusable delegation set whose name servers it
   * takes, so that zones created later keep the same four, and a parent in
   * another account can delegate to them once.
   * @default - name servers Route53 picks for this zone alone
   */
  readonly delegationSetId?: string;
}

/** Every default of {@link DnsZoneProps}, applied in one place. */
export const DNS_ZONE_DEFAULTS = { create: false } as const satisfies Partial<DnsZoneProps>;

/** A public Route53 hosted zone, created here or looked up by name. */
export class DnsZone extends Construct {
  readonly zoneId: string;
  readonly zoneName: string;
  readonly zoneArn: string;
  readonly nameServers: string[];

  constructor(scope: Construct, id: string, props: DnsZoneProps) {
    super(scope, id);
    const p = withDefaults(props, DNS_ZONE_DEFAULTS);
    if (p.create) {
      const zone = new Route53Zone(this, 'Zone', { name: p.zoneName, comment: `Managed by cdktf (${p.zoneName})`, delegationSetId: p.delegationSetId });
      this.zoneId = zone.zoneId;
      this.zoneArn = zone.arn;
      this.nameServers = zone.nameServers;
      if (p.parentZoneName) {
        const parent = new DataAwsRoute53Zone(this, 'Parent', { name: p.parentZoneName, privateZone: false });
        new Route53Record(this, 'Delegation', { zoneId: parent.zoneId, name: p.zoneName, type: 'NS', ttl: 172800, records: zone.nameServers });
      }
    } else {
      const zone = new DataAwsRoute53Zone(this, 'Zone', { name: p.zoneName, privateZone: false });
      this.zoneId = zone.zoneId;
      this.zoneArn = zone.arn;
      this.nameServers = zone.nameServers;
    }
    this.zoneName = p.zoneName;
  }

  /**
   * Delegates a name below this zone to other name servers (NS records), such
   * as a zone of another account. The record lives two days: delegations
   * rarely change, and resolvers then ask the parent seldom.
   */
  delegate(name: string, nameServers: readonly string[]): void {
    requireProps(name.endsWith(`.${this.zoneName}`), 'DnsZone', this.node.id, `can delegate only names below ${this.zoneName}, not ${name}`);
    new Route53Record(this, `Delegate-${name}`, { zoneId: this.zoneId, name, type: 'NS', ttl: 172800, records: [...nameServers] });
  }
}
