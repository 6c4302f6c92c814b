#!/usr/bin/env bash
# Writes .plans/$STACK/summary.md for the PR comment and the job summary, and to
# $GITHUB_OUTPUT `gate=<exit code of npm run plan:summary>` (0 passes, 3 is a
# data-bearing destroy nobody allowed) and `access=<exit code of npm run
# ci:access-analyzer>` (0 passes, 1 is an error or security warning of IAM
# Access Analyzer on a policy the plan writes, 2 is a check that could not
# run). A failed plan gets a summary that says so.
#
# Environment: STACK, PLAN_EXIT (of tools/ci/steps/stack.sh plan: 3 is a stack
# that waits for its first image tag, and gets a summary that says so), RUN_URL,
# ALLOW_DATA_LOSS (true when the pull request carries the allow-data-loss label).
set -uo pipefail
out=".plans/$STACK"
mkdir -p "$out"
summary="$out/summary.md"

if [[ ${PLAN_EXIT:-1} == 3 ]]; then
  {
    echo "<!-- hexabid-plan:$STACK -->"
    echo "### \`$STACK\`: not planned"
    echo
    echo "It has never been applied, and this run names no image tag: it waits for its first deploy with one (docs/FIRST-DEPLOY.md)."
  } >"$summary"
  gate=0
  access=0
elif [[ ${PLAN_EXIT:-1} == 1 || ! -s $out/plan.json ]]; then
  {
    echo "<!-- hexabid-plan:$STACK -->"
    echo "### \`$STACK\`: plan failed"
    echo
    echo "terraform could not plan this stack. The log of [this run]($RUN_URL) says why."
  } >"$summary"
  gate=0
  access=0
else
  flags=(--stack "$STACK" --artifact-url "$RUN_URL" --output "$summary")
  [[ ${ALLOW_DATA_LOSS:-false} == true ]] && flags+=(--allow-data-loss)
  npm run --silent plan:summary -- "$out/plan.json" "${flags[@]}"
  gate=$?
  # AWS's own policy checks of every policy document the plan would write (tools/ci/access-analyzer.ts).
  npm run --silent ci:access-analyzer -- "$out/plan.json" --stack "$STACK" --output "$out/access-analyzer.md"
  access=$?
  if [[ -s $out/access-analyzer.md ]]; then
    { echo; cat "$out/access-analyzer.md"; } >>"$summary"
  else
    { echo; echo "IAM Access Analyzer could not check this plan's policies; the log of [this run]($RUN_URL) says why."; } >>"$summary"
  fi
fi

cat "$summary" >>"${GITHUB_STEP_SUMMARY:-/dev/null}"
echo "gate=$gate" >>"${GITHUB_OUTPUT:-/dev/null}"
echo "access=$access" >>"${GITHUB_OUTPUT:-/dev/null}"
# The gate decides in a later step, after the artifact is uploaded.
[[ $gate == 0 || $gate == 3 ]]
