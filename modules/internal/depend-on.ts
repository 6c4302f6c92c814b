import { dependable, TerraformResource, type ITerraformDependable } from 'cdktf';
import type { IConstruct } from 'constructs';

/**
 * Makes every resource under a construct wait for the given ones: what
 * `depends_on` on a Terraform module does, for a construct that takes no
 * `dependsOn` prop of its own.
 */
export function dependOn(construct: IConstruct, dependencies: readonly ITerraformDependable[]): void {
  if (dependencies.length === 0) return;
  for (const child of construct.node.findAll()) {
    if (child instanceof TerraformResource) {
      child.dependsOn = [...new Set([...(child.dependsOn ?? []), ...dependencies.map((d) => dependable(d))])];
    }
  }
}
