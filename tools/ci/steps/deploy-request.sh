#!/usr/bin/env bash
# Turns the event that started the Deploy workflow into what to deploy, and
# writes it to $GITHUB_OUTPUT: ref, image_tag, scope, target, allow_data_loss.
#
#   push to main            the merged commit, every stack, the tags that serve
#   repository_dispatch     deploy-image from the app's pipeline: the tip of main,
#                           the -k8s stacks only, client_payload.image_tag
#   workflow_dispatch       by hand: image_tag and/or ref (a commit of main) to
#                           roll forward or back, staging or staging then production
#   schedule                weekday mornings: the tip of main, every stack, dev only,
#                           the tags that serve (dev catches up on what it slept through)
#
# Environment: EVENT, INPUT_IMAGE_TAG, INPUT_REF, INPUT_TARGET, GITHUB_SHA,
# GITHUB_REF, GITHUB_REPOSITORY, GH_TOKEN. Refuses anything it does not know.
set -euo pipefail

# The pattern the stack's image_tag variable validates (stacks/image-tag-variable.ts).
IMAGE_TAG_PATTERN='^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$'
fail() { echo "::error::$*" >&2; exit 1; }

image_tag=${INPUT_IMAGE_TAG:-}
requested_ref=${INPUT_REF:-}
target=${INPUT_TARGET:-staging-then-production}
allow_data_loss=false

[[ ${GITHUB_REF:-} == refs/heads/main ]] || fail "deploys run from main only, not ${GITHUB_REF:-an unknown ref}"
if [[ -n $image_tag && ! $image_tag =~ $IMAGE_TAG_PATTERN ]]; then
  fail "image_tag \"$image_tag\" is not a Docker tag: up to 128 letters, digits, _ . -, not starting with . or -"
fi
[[ $image_tag != latest ]] || fail 'image_tag must not be "latest": deploy an immutable tag'
case $target in
  staging-then-production | staging) ;;
  *) fail "target \"$target\" must be staging-then-production or staging" ;;
esac

case $EVENT in
  push)
    ref=$GITHUB_SHA
    scope=all
    # A merged pull request labelled allow-data-loss allowed its data-bearing destroys.
    labels=$(gh api "repos/$GITHUB_REPOSITORY/commits/$GITHUB_SHA/pulls" --jq '[.[].labels[].name] | join(" ")')
    [[ " $labels " != *" allow-data-loss "* ]] || allow_data_loss=true
    ;;
  repository_dispatch)
    [[ -n $image_tag ]] || fail 'deploy-image needs client_payload.image_tag'
    ref=$GITHUB_SHA
    scope=kubernetes
    ;;
  workflow_dispatch)
    [[ -n $image_tag || -n $requested_ref ]] || fail 'give image_tag, ref, or both'
    if [[ -n $requested_ref ]]; then
      [[ $requested_ref =~ ^[0-9a-f]{40}$ ]] || fail "ref \"$requested_ref\" must be a full commit SHA (40 hex digits)"
      git merge-base --is-ancestor "$requested_ref" "$GITHUB_SHA" 2>/dev/null || fail "ref $requested_ref is not a commit of main"
      ref=$requested_ref
      scope=all
    else
      ref=$GITHUB_SHA
      scope=kubernetes
    fi
    ;;
  schedule)
    ref=$GITHUB_SHA
    scope=all
    target=dev
    ;;
  *) fail "the Deploy workflow does not handle $EVENT events" ;;
esac

{
  echo "ref=$ref"
  echo "image_tag=$image_tag"
  echo "scope=$scope"
  echo "target=$target"
  echo "allow_data_loss=$allow_data_loss"
} | tee -a "${GITHUB_OUTPUT:-/dev/null}"
