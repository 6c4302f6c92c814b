/**
 * The Elastic Load Balancing account of each region that has one, for
 * `data.aws_elb_service_account`. Source: "Enable access logs for your
 * Application Load Balancer", Elastic Load Balancing User Guide
 * (docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html),
 * which the AWS provider's data source mirrors. Regions opened after August
 * 2022 have none: their bucket policies name the service principal
 * `logdelivery.elasticloadbalancing.amazonaws.com` instead, and the data
 * source fails there.
 */
export const ELB_ACCOUNTS: Readonly<Record<string, string>> = {
  'us-east-1': '127311923021',
  'us-east-2': '033677994240',
  'us-west-1': '027434742980',
  'us-west-2': '797873946194',
  'af-south-1': '098369216593',
  'ap-east-1': '754344448648',
  'ap-south-1': '718504428378',
  'ap-northeast-1': '582318560864',
  'ap-northeast-2': '600734575887',
  'ap-northeast-3': '383597477331',
  'ap-southeast-1': '114774131450',
  'ap-southeast-2': '783225319266',
  'ap-southeast-3': '589379963580',
  'ca-central-1': '985666609251',
  'eu-central-1': '054676820928',
  'me-south-1': '076674570225',
  'sa-east-1': '507241528517',
};
