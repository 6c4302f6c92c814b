#!/usr/bin/env bash
# Estimates each environment's monthly cost at a pull request's base and at
# its head (npm run cost), and writes $COST_DIR/cost.md for the sticky PR
# comment: the head's estimate, with each environment's change against the base.
#
#   tools/ci/steps/cost.sh            from the head's checkout, after npm ci
#
# Exits as `npm run cost -- --check-budgets` does at the head: 0; 4 when an
# environment is over its budget (cost.md still holds the estimate); anything
# else when the estimate failed (cost.md then says so). An environment over its
# budget only with every node group at its maximum is a warning annotation.
#
# A base without `npm run cost` (older than it), or whose estimate fails or
# cannot be read, is compared against nothing, and cost.md says why.
#
# Environment: BASE_DIR (a checkout of the base commit; this script runs
# npm ci there), BASE_SHA (named in the comment), RUN_URL (linked from it),
# COST_DIR (where the outputs go, default .plans/cost).
set -uo pipefail
cd "$(dirname "$0")/../../.." || exit 1
mkdir -p "${COST_DIR:-.plans/cost}" || exit 1
out=$(cd "${COST_DIR:-.plans/cost}" && pwd)
report=$out/cost.md
base_json=$out/cost-base.json
marker='<!-- hexabid-cost -->' # COMMENT_MARKER of tools/cost/format.ts
base=${BASE_SHA:-}
base="the base${base:+ (\`${base:0:12}\`)}"
run=${RUN_URL:+[this run]($RUN_URL)}
run=${run:-this run}
rm -rf "$report" "$base_json" "$out/base.out" "$out/head.out"

# The comment when the head's estimate fails, with the end of its log.
failed() {
  {
    echo "$marker"
    echo '### Monthly cost estimate: failed'
    echo
    echo "\`npm run cost\` could not estimate this pull request (exit $1). The log of $run says why; its last lines:"
    echo
    echo '````text'
    tail -n 30 "$out/head.err"
    echo '````'
  } >"$report"
}

# Puts a note under the report's heading.
note() {
  NOTE=$1 awk 'BEGIN { note = ENVIRON["NOTE"] } { print } !done && /^### / { print ""; print note; done = 1 } END { if (!done) { print ""; print note } }' "$report" >"$report.tmp" &&
    mv "$report.tmp" "$report"
}

# The base's estimate, as JSON for --compare.
without_base=
if [[ -z ${BASE_DIR:-} || ! -f $BASE_DIR/package.json ]]; then
  without_base="> No checkout of the base, so no change is shown: there is nothing to compare against."
elif ! node -e 'process.exit(require(process.argv[1]).scripts?.cost ? 0 : 1)' "$(cd "$BASE_DIR" && pwd)/package.json"; then
  without_base="> ${base^} predates \`npm run cost\`, so no change is shown: there is nothing to compare against."
else
  echo "::group::estimate $base"
  (
    cd "$BASE_DIR" &&
      npm ci --no-audit --no-fund &&
      npm run --silent cost -- --synth-to "$out/base.out" --format json --output "$base_json"
  )
  status=$?
  echo "::endgroup::"
  if [[ $status != 0 || ! -s $base_json ]]; then
    echo "::warning::the estimate of $base failed (exit $status); this pull request's is compared against nothing"
    without_base="> The estimate of $base failed, so no change is shown: there is nothing to compare against. The log of $run says why."
    rm -f "$base_json"
  fi
fi

estimate() {
  npm run --silent cost -- --synth-to "$out/head.out" --format markdown --output "$report" --check-budgets "$@" 2>"$out/head.err"
  status=$?
  cat "$out/head.err" >&2
}

echo "::group::estimate this pull request"
if [[ -z $without_base ]]; then
  estimate --compare "$base_json"
  # 2 is bad input; when the base is what the head cannot read, estimate without it.
  if [[ $status == 2 ]]; then
    why=$(head -n 1 "$out/head.err")
    estimate
    [[ $status == 2 ]] || without_base="> The estimate of $base could not be compared, so no change is shown: ${why:-see the log of $run}"
  fi
else
  estimate
fi
echo "::endgroup::"

if [[ ($status == 0 || $status == 4) && -s $report ]]; then
  [[ -z $without_base ]] || note "$without_base"
  if [[ $status == 4 ]]; then
    over=$(grep ', over its budget of ' "$out/head.err" | paste -sd ';' - | sed 's/;/; /g')
    note "> **Over budget**: ${over:-see the Budget column}. The cost check fails, and with it the Plan gate, until the estimate comes down or the environment's \`budgetUsdPerMonth\` goes up."
  fi
else
  [[ $status != 0 ]] || status=1
  failed "$status"
fi
# An environment under its budget only at its desired sizes is a warning, not a failure: the comment says so too.
grep "at its node groups' maximum" "$out/head.err" 2>/dev/null | while IFS= read -r line; do echo "::warning::$line"; done
cat "$report" >>"${GITHUB_STEP_SUMMARY:-/dev/null}"
exit "$status"
