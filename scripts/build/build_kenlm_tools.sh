#!/usr/bin/env bash
# Build kenlm's lmplz / build_binary / query from the kenlm source package on PyPI (about 2 minutes
# on 2 cores). Needs: cmake g++ libboost-program-options-dev libboost-system-dev libboost-thread-dev
# libboost-test-dev zlib1g-dev libbz2-dev liblzma-dev (Debian 12); kenlm's ``interpolate`` (log-linear
# interpolation of ARPA models, used by scripts/build/build_default_lm.py) is built too when libeigen3-dev is
# installed.
# Usage: scripts/build/build_kenlm_tools.sh [PREFIX]   (binaries go to PREFIX/bin, default /tmp/kenlm)
set -euo pipefail
prefix=${1:-/tmp/kenlm}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# --no-build-isolation keeps pip from compiling cmake from source; needs setuptools and wheel installed.
python=${PYTHON:-python3}
"$python" -m pip download --no-deps --no-binary kenlm --no-build-isolation "kenlm==0.3.0" -d "$work"
sdist=$(ls "$work"/kenlm-*.tar.gz)
tar xzf "$sdist" -C "$work"
src=$(ls -d "$work"/kenlm-*/)
cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DKENLM_MAX_ORDER=6 >/dev/null
tools=(lmplz build_binary query)
if [ -d /usr/include/eigen3 ]; then tools+=(interpolate); fi
nice make -C "$work/build" -j2 "${tools[@]}"
mkdir -p "$prefix/bin"
for tool in "${tools[@]}"; do cp "$work/build/bin/$tool" "$prefix/bin/"; done
echo "kenlm tools in $prefix/bin; add it to PATH"
