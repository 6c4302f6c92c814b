#!/usr/bin/env bash
# Installs AWS's Session Manager plugin, which `aws ssm start-session` (and so
# `npm run tunnel`) needs, at the version given, from AWS's download site,
# unless the runner already has one (GitHub's Ubuntu images do).
#   tools/ci/steps/install-session-manager-plugin.sh 1.2.835.0
set -euo pipefail
version=${1:?usage: $0 <version>}
[[ $version =~ ^[0-9]+(\.[0-9]+){3}$ ]] || { echo "not a plugin version: $version" >&2; exit 64; }
if command -v session-manager-plugin >/dev/null; then
  echo "session-manager-plugin $(session-manager-plugin --version) is installed"
  exit 0
fi
deb=$(mktemp --suffix=.deb)
curl --fail --silent --show-error --location --retry 3 -o "$deb" "https://s3.amazonaws.com/session-manager-downloads/plugin/$version/ubuntu_64bit/session-manager-plugin.deb"
sudo dpkg -i "$deb"
session-manager-plugin --version
