#!/bin/sh
# Install Debian's chromium for the headless-rendering test of the HTML 督查通报
# (tests/reports/test_chromium.py). Needs root; does nothing if chromium is there.
# CI runs as root on a fresh-ish Debian machine; the test's session fixture calls this.
set -eu
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "install_chromium.sh: 需要 root 才能安装 chromium / must run as root" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends chromium fonts-wqy-microhei; then
    apt-get update
    apt-get install -y --no-install-recommends chromium fonts-wqy-microhei
fi
test -x /usr/bin/chromium
