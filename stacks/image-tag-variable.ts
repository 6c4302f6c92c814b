import { TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../environments/types.ts';

/** A Docker tag: up to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`. */
export const IMAGE_TAG_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$';

/**
 * `image_tag`, the one input CI passes to deploy a version
 * (`cdktf deploy hexabid-<env>-k8s --var image_tag=1.4.2`, or `TF_VAR_image_tag`).
 * Where the config requires it there is no default, so a plan without it
 * stops before anything changes.
 */
export function imageTagVariable(scope: Construct, config: EnvironmentConfig): TerraformVariable {
  const required = config.app.requireImageTag;
  const validation = [
    {
      condition: `\${var.image_tag == "" || can(regex("${IMAGE_TAG_PATTERN}", var.image_tag))}`,
      errorMessage: 'image_tag must be a Docker tag: up to 128 letters, digits, _ . -, not starting with . or -.',
    },
  ];
  if (required) {
    validation.push({
      condition: '${length(var.image_tag) > 0}',
      errorMessage: `image_tag is required for ${config.name}: pass -var image_tag=<tag> (or TF_VAR_image_tag).`,
    });
  }
  if (config.isProduction) {
    validation.push({
      condition: '${var.image_tag != "latest"}',
      errorMessage: 'image_tag must not be "latest" in production: deploy an immutable tag.',
    });
  }
  return new TerraformVariable(scope, 'image_tag', {
    type: 'string',
    nullable: false,
    description: required
      ? 'Tag of every HexaBid image (required).'
      : 'Tag of every HexaBid image; empty keeps the tags in the values file.',
    default: required ? undefined : '',
    validation,
  });
}
