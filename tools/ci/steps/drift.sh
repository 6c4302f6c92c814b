#!/usr/bin/env bash
# Plans each stack for drift and writes .plans/drift.md: it says
# "No changes" when every plan is empty (ci:comment closes the issue then), else each changed stack's summary.
# A plan that fails is reported as drift too, so nobody misses it.
#   tools/ci/steps/drift.sh <stack>...
set -uo pipefail
here=$(dirname "$0")
report=.plans/drift.md
mkdir -p .plans
drifted=()
sections=()
for stack in "$@"; do
  # The plan role reads state and never locks it (stack.sh).
  "$here/stack.sh" plan "$stack" --no-lock
  status=$?
  case $status in
    # 3: a -k8s stack never applied yet (stack.sh) has nothing to drift from.
    0 | 3) ;;
    2)
      drifted+=("$stack")
      STACK=$stack PLAN_EXIT=2 GITHUB_OUTPUT=/dev/null "$here/summarize.sh" >/dev/null
      sections+=("$(tail -n +2 ".plans/$stack/summary.md")")
      ;;
    *)
      drifted+=("$stack")
      sections+=("### \`$stack\`: the plan failed; see ${RUN_URL:-the log of this run}")
      ;;
  esac
done
if [[ ${#drifted[@]} -eq 0 ]]; then
  echo "No changes: production matches main." >"$report"
else
  {
    echo "Drift in ${drifted[*]}: production differs from main. Reconcile by applying main (Deploy workflow) or by changing the code to match, after finding who changed what (CloudTrail)."
    for section in "${sections[@]}"; do printf '\n%s\n' "$section"; done
  } >"$report"
fi
cat "$report" >>"${GITHUB_STEP_SUMMARY:-/dev/null}"
