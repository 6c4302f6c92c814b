#!/usr/bin/env bash
# Writes .plans/$STACK/summary.md for the PR comment and the job summary, and
# `gate=<exit code of npm run plan:summary>` to $GITHUB_OUTPUT: 0 passes, 3 is a
# data-bearing destroy nobody allowed. A failed plan gets a summary that says so.
#
# Environment: STACK, PLAN_EXIT (of scripts/ci/stack.sh plan), RUN_URL,
# ALLOW_DATA_LOSS (true when the pull request carries the allow-data-loss label).
set -uo pipefail
out=".plans/$STACK"
mkdir -p "$out"
summary="$out/summary.md"

if [[ ${PLAN_EXIT:-1} == 1 || ! -s $out/plan.json ]]; then
  {
    echo "<!-- hexabid-plan:$STACK -->"
    echo "### \`$STACK\`: plan failed"
    echo
    echo "terraform could not plan this stack. The log of [this run]($RUN_URL) says why."
  } >"$summary"
  gate=0
else
  flags=(--stack "$STACK" --artifact-url "$RUN_URL" --output "$summary")
  [[ ${ALLOW_DATA_LOSS:-false} == true ]] && flags+=(--allow-data-loss)
  npm run --silent plan:summary -- "$out/plan.json" "${flags[@]}"
  gate=$?
fi

cat "$summary" >>"${GITHUB_STEP_SUMMARY:-/dev/null}"
echo "gate=$gate" >>"${GITHUB_OUTPUT:-/dev/null}"
# The gate decides in a later step, after the artifact is uploaded.
[[ $gate == 0 || $gate == 3 ]]
