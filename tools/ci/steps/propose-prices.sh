#!/usr/bin/env bash
# Proposes a refreshed price table (tools/cost/prices/prices.json, already in the working
# tree) as a pull request from the branch prices/<date>: nothing when the
# table did not change. The token pushes the branch and opens the request;
# it is never written to disk.
#
#   tools/ci/steps/propose-prices.sh        in CI, with GH_TOKEN and GITHUB_REPOSITORY
#
# A pull request opened with GitHub's own token starts no workflow: the cost
# comment and the checks run once someone pushes to it or closes and reopens it.
set -euo pipefail
cd "$(dirname "$0")/../../.." || exit 1
: "${GH_TOKEN:?GH_TOKEN is needed to push the branch and open the pull request}"
: "${GITHUB_REPOSITORY:?GITHUB_REPOSITORY names the repository}"

if git diff --quiet -- tools/cost/prices/prices.json; then
  echo "tools/cost/prices/prices.json is unchanged: every price AWS gives is the one in the table."
  exit 0
fi
date=$(node -e 'process.stdout.write(require("./tools/cost/prices/prices.json").asOf)')
branch="prices/$date"
git config user.name 'github-actions[bot]'
git config user.email '41898282+github-actions[bot]@users.noreply.github.com'
git checkout -b "$branch"
git add tools/cost/prices/prices.json
git commit -m "Prices read from AWS's Price List on $date" -m "npm run cost -- --refresh-prices, run by the Refresh prices workflow."
# The token goes in a header for this one command, not into the remote's URL or git's config.
git -c "http.extraheader=Authorization: basic $(printf 'x-access-token:%s' "$GH_TOKEN" | base64 -w0)" \
  push --force "https://github.com/$GITHUB_REPOSITORY.git" "HEAD:refs/heads/$branch"
if gh pr view "$branch" --repo "$GITHUB_REPOSITORY" >/dev/null 2>&1; then
  echo "The pull request from $branch is updated."
else
  gh pr create --repo "$GITHUB_REPOSITORY" --head "$branch" --title "Prices read from AWS on $date" \
    --body "The price table read again from AWS's Price List and Savings Plans APIs (\`npm run cost -- --refresh-prices\`). Each changed row names its SKU, term and publication date. Push to this branch, or close and reopen the request, to run the checks and the cost comment."
fi
