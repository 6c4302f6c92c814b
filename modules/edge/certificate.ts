import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { TerraformIterator, Token } from 'cdktf';
import { Construct } from 'constructs';
import { withDefaults } from '../internal/props.ts';

export interface DnsValidatedCertificateProps {
  /** The certificate's primary name, e.g. `hexabid.in`. */
  readonly domainName: string;
  /** The Route53 zone that can answer the DNS validation for every name. */
  readonly hostedZoneId: string;
  /**
   * Further names on the certificate.
   * @default - the wildcard `*.<domainName>`, for tenant subdomains
   */
  readonly subjectAlternativeNames?: readonly string[];
  /**
   * Key algorithm; ALBs serve ECDSA and RSA certificates alike.
   * @default 'EC_prime256v1'
   */
  readonly keyAlgorithm?: 'RSA_2048' | 'EC_prime256v1' | 'EC_secp384r1';
}

/** Every default of {@link DnsValidatedCertificateProps} that is a constant. */
export const CERTIFICATE_DEFAULTS = { keyAlgorithm: 'EC_prime256v1' } as const satisfies Partial<DnsValidatedCertificateProps>;

/**
 * A public ACM certificate validated through Route53. ACM renews it for as
 * long as the validation records stay. Consumers get the ARN only once
 * validation succeeds, so nothing serves an unissued certificate.
 */
export class DnsValidatedCertificate extends Construct {
  /** ARN of the issued certificate (known after validation). */
  readonly certificateArn: string;
  readonly domainNames: readonly string[];

  constructor(scope: Construct, id: string, props: DnsValidatedCertificateProps) {
    super(scope, id);
    const p = withDefaults(props, CERTIFICATE_DEFAULTS);
    const sans = p.subjectAlternativeNames ?? [`*.${p.domainName}`];
    const certificate = new AcmCertificate(this, 'Certificate', {
      domainName: p.domainName,
      subjectAlternativeNames: [...sans],
      validationMethod: 'DNS',
      keyAlgorithm: p.keyAlgorithm,
      options: { certificateTransparencyLoggingPreference: 'ENABLED' },
      // A replacement must be issued before the ALB lets go of the old one.
      lifecycle: { createBeforeDestroy: true },
    });
    // One record per name; the apex and its wildcard share a record, hence allowOverwrite.
    const options = TerraformIterator.fromComplexList(certificate.domainValidationOptions, 'domain_name');
    const records = new Route53Record(this, 'ValidationRecord', {
      forEach: options,
      zoneId: p.hostedZoneId,
      name: options.getString('resource_record_name'),
      type: options.getString('resource_record_type'),
      records: [options.getString('resource_record_value')],
      ttl: 300,
      allowOverwrite: true,
    });
    const validation = new AcmCertificateValidation(this, 'Validation', {
      certificateArn: certificate.arn,
      validationRecordFqdns: Token.asList(TerraformIterator.fromResources(records).pluckProperty('fqdn')),
    });
    this.certificateArn = validation.certificateArn;
    this.domainNames = [p.domainName, ...sans];
  }
}
