#!/usr/bin/env bash
# Markdown for the job summary of a failed deploy: what is serving now, and
# what to do. Usage: tools/ci/steps/after-failure.sh <environment>
set -euo pipefail
environment=${1:?usage: $0 <environment>}
cat <<MARKDOWN
### The deploy to $environment failed

**What is serving:** the HexaBid release is atomic, so a failed upgrade was
rolled back and the previous release still serves. An infrastructure apply
that failed part-way keeps what it finished, and its state records that.

**What to do:**
1. Read the failed step's log above: the plan, the apply or the smoke test.
2. A bad image: run **Deploy** (Actions → Deploy → Run workflow) with
   \`image_tag\` set to the tag that served before: the run list of Deploy, or
   the \`release_image_tag\` output of \`hexabid-$environment-k8s\`.
3. A bad change to this repository: revert it in a pull request, or run
   **Deploy** with \`ref\` set to the previous commit of main.
4. See docs/DELIVERY.md, "When a deploy fails".
MARKDOWN
