import { describe, expect, it } from 'vitest';
import { arnLikeMatches, conditionHolds, resourceMatches } from '../../../lib/access/index.ts';
import { normalizeContext } from '../../../lib/access/policy-variables.ts';

const ctx = (c: Record<string, string | boolean | number | string[]>) => normalizeContext(c);

describe('Resource ARNs (IAM User Guide, "IAM JSON policy elements: Resource", using wildcards in resource ARNs)', () => {
  it('matches wildcards within a segment, case-sensitively', () => {
    expect(resourceMatches('arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a/b.txt')).toBe(true);
    expect(resourceMatches('arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket')).toBe(false);
    expect(resourceMatches('arn:aws:s3:::bucket/*.tflock', 'arn:aws:s3:::bucket/env/state.tflock')).toBe(true);
    expect(resourceMatches('arn:aws:s3:::bucket/*.tflock', 'arn:aws:s3:::bucket/env/terraform.tfstate')).toBe(false);
    expect(resourceMatches('arn:aws:s3:::Bucket/*', 'arn:aws:s3:::bucket/x')).toBe(false);
    expect(resourceMatches('arn:aws:secretsmanager:ap-south-1:111:secret:a-??????', 'arn:aws:secretsmanager:ap-south-1:111:secret:a-AbCdEf')).toBe(true);
  });

  it('keeps a wildcard in the region or account to its segment', () => {
    expect(resourceMatches('arn:aws:logs:*:111:log-group:x', 'arn:aws:logs:ap-south-1:111:log-group:x')).toBe(true);
    expect(resourceMatches('arn:aws:logs:ap-south-?:111:log-group:x', 'arn:aws:logs:ap-south-1:111:log-group:x')).toBe(true);
    expect(resourceMatches('arn:aws:logs:ap-*:log-group:x', 'arn:aws:logs:ap-south-1:111:log-group:x')).toBe(false);
  });

  it('lets a `*` that ends a segment expand beyond the colons', () => {
    expect(resourceMatches('arn:aws:logs:ap-south-1:111:log-group:/x*', 'arn:aws:logs:ap-south-1:111:log-group:/x:log-stream:s')).toBe(true);
    expect(resourceMatches('arn:aws:s3:*', 'arn:aws:s3:::bucket/key')).toBe(true);
    expect(resourceMatches('arn:aws:logs:ap-south-1:111:log-group:/x', 'arn:aws:logs:ap-south-1:111:log-group:/x:*')).toBe(false);
  });

  it('ArnLike checks each of the six components (IAM User Guide, "Condition operators", ARN)', () => {
    expect(arnLikeMatches('arn:aws:cloudwatch:ap-south-1:111:alarm:*', 'arn:aws:cloudwatch:ap-south-1:111:alarm:cpu-high')).toBe(true);
    expect(arnLikeMatches('arn:aws:cloudwatch:*:111:alarm:*', 'arn:aws:cloudwatch:us-east-1:111:alarm:x')).toBe(true);
    expect(arnLikeMatches('arn:aws:cloudwatch:ap-south-1:111:alarm:*', 'arn:aws:cloudwatch:ap-south-1:222:alarm:x')).toBe(false);
    expect(arnLikeMatches('arn:aws:iam::111:role/*', 'not-an-arn')).toBe(false);
    expect(arnLikeMatches('arn:aws:*', 'arn:aws:iam::111:role/x')).toBe(false);
  });
});

describe('Condition operators (IAM User Guide, "IAM JSON policy elements: Condition operators")', () => {
  it('a missing key makes a condition false, and a negated one true', () => {
    expect(conditionHolds('StringEquals', 'aws:PrincipalTag/team', ['a'], ctx({}))).toBe(false);
    expect(conditionHolds('StringNotEquals', 'aws:PrincipalTag/team', ['a'], ctx({}))).toBe(true);
    expect(conditionHolds('StringNotLike', 'aws:PrincipalTag/team', ['a*'], ctx({}))).toBe(true);
    expect(conditionHolds('ArnNotLike', 'aws:SourceArn', ['arn:aws:s3:::x'], ctx({}))).toBe(true);
    expect(conditionHolds('Bool', 'aws:MultiFactorAuthPresent', ['true'], ctx({}))).toBe(false);
    expect(conditionHolds('NumericLessThan', 's3:TlsVersion', ['1.2'], ctx({}))).toBe(false);
  });

  it('...IfExists holds when the key is missing and tests it when present', () => {
    expect(conditionHolds('StringEqualsIfExists', 'aws:PrincipalTag/team', ['a'], ctx({}))).toBe(true);
    expect(conditionHolds('StringEqualsIfExists', 'aws:PrincipalTag/team', ['a'], ctx({ 'aws:PrincipalTag/team': 'b' }))).toBe(false);
    expect(conditionHolds('BoolIfExists', 'aws:MultiFactorAuthPresent', ['false'], ctx({ 'aws:MultiFactorAuthPresent': true }))).toBe(false);
  });

  it('Null tests presence', () => {
    expect(conditionHolds('Null', 'aws:TokenIssueTime', ['true'], ctx({}))).toBe(true);
    expect(conditionHolds('Null', 'aws:TokenIssueTime', ['false'], ctx({}))).toBe(false);
    expect(conditionHolds('Null', 'aws:TokenIssueTime', ['false'], ctx({ 'aws:TokenIssueTime': '2026-01-01T00:00:00Z' }))).toBe(true);
  });

  it('keys and operators are case-insensitive where IAM says so, values are not', () => {
    expect(conditionHolds('StringEquals', 'AWS:SOURCEACCOUNT', ['111'], ctx({ 'aws:SourceAccount': '111' }))).toBe(true);
    expect(conditionHolds('StringEquals', 'aws:PrincipalTag/team', ['Ops'], ctx({ 'aws:PrincipalTag/team': 'ops' }))).toBe(false);
    expect(conditionHolds('StringEqualsIgnoreCase', 'aws:PrincipalTag/team', ['Ops'], ctx({ 'aws:PrincipalTag/team': 'ops' }))).toBe(true);
  });

  it('several values OR; a negated operator needs none to match', () => {
    expect(conditionHolds('StringEquals', 'k:x', ['a', 'b'], ctx({ 'k:x': 'b' }))).toBe(true);
    expect(conditionHolds('StringNotEquals', 'k:x', ['a', 'b'], ctx({ 'k:x': 'b' }))).toBe(false);
    expect(conditionHolds('StringNotEquals', 'k:x', ['a', 'b'], ctx({ 'k:x': 'c' }))).toBe(true);
    expect(conditionHolds('StringLike', 'kms:ViaService', ['secretsmanager.*.amazonaws.com'], ctx({ 'kms:ViaService': 'secretsmanager.ap-south-2.amazonaws.com' }))).toBe(true);
  });

  it('set operators on multivalued keys, and their documented missing-key results', () => {
    const tags = ctx({ 'aws:TagKeys': ['team', 'env'] });
    expect(conditionHolds('ForAllValues:StringEquals', 'aws:TagKeys', ['team', 'env', 'cost'], tags)).toBe(true);
    expect(conditionHolds('ForAllValues:StringEquals', 'aws:TagKeys', ['team'], tags)).toBe(false);
    expect(conditionHolds('ForAnyValue:StringEquals', 'aws:TagKeys', ['env'], tags)).toBe(true);
    expect(conditionHolds('ForAnyValue:StringEquals', 'aws:TagKeys', ['cost'], tags)).toBe(false);
    expect(conditionHolds('ForAllValues:StringEquals', 'aws:TagKeys', ['team'], ctx({}))).toBe(true);
    expect(conditionHolds('ForAnyValue:StringEquals', 'aws:TagKeys', ['team'], ctx({}))).toBe(false);
  });

  it('compares numbers, dates, booleans and addresses by type', () => {
    expect(conditionHolds('NumericLessThan', 's3:TlsVersion', ['1.2'], ctx({ 's3:TlsVersion': '1.1' }))).toBe(true);
    expect(conditionHolds('NumericLessThan', 's3:TlsVersion', ['1.2'], ctx({ 's3:TlsVersion': '1.3' }))).toBe(false);
    expect(conditionHolds('DateLessThan', 'aws:CurrentTime', ['2027-01-01T00:00:00Z'], ctx({ 'aws:CurrentTime': '2026-12-06T00:00:00Z' }))).toBe(true);
    expect(conditionHolds('Bool', 'aws:SecureTransport', ['false'], ctx({ 'aws:SecureTransport': true }))).toBe(false);
    expect(conditionHolds('IpAddress', 'aws:SourceIp', ['10.0.0.0/8'], ctx({ 'aws:SourceIp': '10.1.2.3' }))).toBe(true);
    expect(conditionHolds('NotIpAddress', 'aws:SourceIp', ['10.0.0.0/8'], ctx({ 'aws:SourceIp': '192.168.0.1' }))).toBe(true);
    expect(conditionHolds('IpAddress', 'aws:SourceIp', ['2001:db8::/32'], ctx({ 'aws:SourceIp': '2001:db8::1' }))).toBe(true);
  });

  it('substitutes policy variables in values; a variable without a value matches nothing', () => {
    const c = ctx({ 'aws:PrincipalTag/team': 'ops', 's3:prefix': 'ops/reports' });
    expect(conditionHolds('StringLike', 's3:prefix', ['${aws:PrincipalTag/team}/*'], c)).toBe(true);
    expect(conditionHolds('StringLike', 's3:prefix', ['${aws:PrincipalTag/missing}/*'], c)).toBe(false);
    expect(conditionHolds('StringLike', 's3:prefix', ["${aws:PrincipalTag/missing, 'ops'}/*"], c)).toBe(true);
  });

  it('refuses an operator IAM does not know', () => {
    expect(() => conditionHolds('StringEqualz', 'k:x', ['a'], ctx({}))).toThrow(/unknown condition operator "StringEqualz"/);
  });
});
