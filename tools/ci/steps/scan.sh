#!/usr/bin/env bash
# Runs Checkov over the synthesized stacks (Terraform JSON) and fails on any
# finding not accepted, with its reason, in ci/checkov-accepted.yaml.
#   tools/ci/steps/scan.sh            after npm run synth (needs Docker)
set -euo pipefail
image=ghcr.io/bridgecrewio/checkov:3.3.13
[[ -d cdktf.out/stacks ]] || { echo "cdktf.out/stacks is missing: run npm run synth first" >&2; exit 1; }
mkdir -p .plans
# --soft-fail: Checkov reports, the gate decides.
docker run --rm --volume "$PWD:/src" --workdir /src "$image" \
  --directory cdktf.out/stacks --framework terraform_json --output json --soft-fail --quiet --compact \
  >.plans/checkov.json
npm run --silent ci:checkov-gate -- .plans/checkov.json
