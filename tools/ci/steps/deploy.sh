#!/usr/bin/env bash
# Plans and applies an environment's stacks in order (infrastructure, then
# Kubernetes), the way the Deploy workflow does.
#
#   tools/ci/steps/deploy.sh plan-only <stack>...        plan each, print the fingerprints as JSON
#   tools/ci/steps/deploy.sh apply <stack>...            plan each, gate it, apply it (no approval: staging)
#   tools/ci/steps/deploy.sh apply-approved <stack>...   the same, but a stack is applied only when its fresh
#                                                    plan is the one an approver saw (production)
#
# Environment: IMAGE_TAG (optional, see stack.sh), ALLOW_DATA_LOSS (true to
# let a data-bearing destroy through), RUN_URL, and for apply-approved
# APPROVED_FINGERPRINTS: the JSON plan-only printed, of the plans an approver
# saw. The fingerprint covers every value the plan would write
# (tools/plan-summary/summarize.ts, planFingerprint), and the saved plan that
# matched is the one applied, so what runs is exactly what was approved. A
# stack with no approved fingerprint, or a different one, is not applied, nor
# is anything after it.
#
# A -k8s stack that waits for its first image tag (stack.sh's exit 3) is
# neither planned nor applied; the stacks it names are written to
# $GITHUB_OUTPUT as `waiting=<stacks>`, so the workflow skips the smoke test.
set -euo pipefail
usage="usage: $0 plan-only|apply|apply-approved <stack>..."
mode=${1:?$usage}
shift
[[ $mode == plan-only || $mode == apply || $mode == apply-approved ]] || { echo "$usage" >&2; exit 64; }
[[ $# -gt 0 ]] || { echo "name at least one stack" >&2; exit 64; }
if [[ $mode == apply-approved ]]; then
  jq -e 'type == "object"' >/dev/null 2>&1 <<<"${APPROVED_FINGERPRINTS:-}" || { echo "::error::apply-approved needs APPROVED_FINGERPRINTS, the JSON object plan-only printed; nothing was applied." >&2; exit 1; }
fi
here=$(dirname "$0")
fingerprints='{}'
waiting=()

for stack in "$@"; do
  echo "::group::plan $stack"
  set +e
  # plan-only runs as the plan role, which may not lock state (stack.sh).
  "$here/stack.sh" plan "$stack" $([[ $mode == plan-only ]] && echo --no-lock)
  plan_exit=$?
  set -e
  echo "::endgroup::"
  if [[ $plan_exit == 3 ]]; then
    echo "::notice::$stack waits for its first deploy with an image tag; nothing of it was planned."
    waiting+=("$stack")
    continue
  fi
  [[ $plan_exit == 0 || $plan_exit == 2 ]] || { echo "::error::terraform plan of $stack failed; nothing of it was applied." >&2; exit 1; }
  # The summary goes to the job summary, where an approver reads it.
  outputs=$(mktemp)
  STACK=$stack PLAN_EXIT=$plan_exit GITHUB_OUTPUT=$outputs "$here/summarize.sh" || true
  gate=$(sed -n 's/^gate=//p' "$outputs")
  access=$(sed -n 's/^access=//p' "$outputs")
  rm -f "$outputs"
  if [[ $gate == 3 ]]; then
    echo "::error::$stack destroys or replaces data; nothing of it was applied. Allow it with an entry in ci/allowed-data-destroys.json, or the allow-data-loss label on the pull request." >&2
    exit 1
  fi
  if [[ $access != 0 ]]; then
    echo "::error::IAM Access Analyzer found an error or a security warning in a policy $stack would write, or could not check them (exit ${access:-none}); nothing of it was applied. The job summary lists the findings." >&2
    exit 1
  fi
  fingerprint=$(npm run --silent plan:summary -- ".plans/$stack/plan.json" --stack "$stack" --fingerprint)
  fingerprints=$(jq -c --arg s "$stack" --arg f "$fingerprint" '. + {($s): $f}' <<<"$fingerprints")
  [[ $mode != plan-only ]] || continue

  if [[ $mode == apply-approved ]]; then
    approved=$(jq -r --arg s "$stack" '.[$s] // empty' <<<"$APPROVED_FINGERPRINTS")
    if [[ $approved != "$fingerprint" ]]; then
      echo "::error::$stack's plan is not the one that was approved (fingerprint $fingerprint, approved ${approved:-none}): something changed since, in the code, the state or the values it would write. Nothing of it, nor of the stacks after it, was applied: re-run the workflow to plan and approve again." >&2
      exit 1
    fi
  fi
  if [[ $plan_exit == 2 ]]; then
    echo "::group::apply $stack"
    "$here/stack.sh" apply "$stack"
    echo "::endgroup::"
  else
    echo "$stack: no changes."
  fi
done

echo "waiting=${waiting[*]}" >>"${GITHUB_OUTPUT:-/dev/null}"
[[ $mode == plan-only ]] && echo "$fingerprints"
exit 0
