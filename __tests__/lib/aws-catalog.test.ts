import { describe, expect, it } from 'vitest';
import { DB_INSTANCE_CLASSES, postgresMaxConnections } from '../../lib/aws-catalog.ts';

describe('postgresMaxConnections', () => {
  it("follows RDS's LEAST(DBInstanceClassMemory/9531392, 5000)", () => {
    expect(postgresMaxConnections('db.t3.small')).toBe(225);
    expect(postgresMaxConnections('db.r5.xlarge')).toBe(3604);
    expect(postgresMaxConnections('db.r5.4xlarge')).toBe(5000);
    for (const instanceClass of Object.keys(DB_INSTANCE_CLASSES)) expect(postgresMaxConnections(instanceClass)).toBeGreaterThan(100);
  });

  it('refuses a class it does not know', () => {
    expect(() => postgresMaxConnections('db.x1.huge')).toThrow(/unknown RDS instance class "db.x1.huge"/);
  });
});
