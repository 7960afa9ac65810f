#!/bin/sh
# Install a Chinese font (Debian's fonts-wqy-microhei) for the tests that print regulation
# texts to PDF (tests/authoring/). Needs root; does nothing if the font is there.
set -eu
FONT=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
if [ -f "$FONT" ]; then
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "install_cjk_font.sh: 需要 root 才能安装字体 / must run as root" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends fonts-wqy-microhei; then
    apt-get update
    apt-get install -y --no-install-recommends fonts-wqy-microhei
fi
test -f "$FONT"
