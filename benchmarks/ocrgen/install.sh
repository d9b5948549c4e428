#!/usr/bin/env bash
# Install what the OCR pair generator needs, offline-capable afterwards:
#   Debian: Tesseract with chi_sim/chi_tra models, CJK fonts (Noto Serif/Sans CJK, AR PL UKai/UMing);
#   PyPI (own venv, default /tmp/ocrvenv): rapidocr 3.x (ships PP-OCRv6 small det/rec in the wheel),
#   rapidocr-onnxruntime 1.4.x (ships PP-OCRv4 det/rec), opencc for traditional truth.
# rapidocr-onnxruntime depends on opencv-python while rapidocr wants opencv-python-headless; both
# provide `cv2`, so rapidocr-onnxruntime is installed with --no-deps on top of the headless build.
# Usage: bash benchmarks/ocrgen/install.sh [VENV_DIR]
set -euo pipefail
VENV="${1:-${OCRGEN_VENV:-/tmp/ocrvenv}}"
PY="${PYTHON:-python3}"

DEB_PKGS=(tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-tra
          fonts-noto-cjk fonts-arphic-ukai fonts-arphic-uming)
missing=()
for p in "${DEB_PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    # Another apt client may hold the lock; wait for it rather than fail.
    for i in $(seq 1 60); do
        if $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
            --no-install-recommends "${missing[@]}"; then break; fi
        echo "apt busy, retrying ($i)" >&2; sleep 10
    done
fi

if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
"$VENV/bin/pip" install -q --upgrade pip
"$VENV/bin/pip" install -q "numpy<3" pillow opencv-python-headless onnxruntime pyclipper shapely \
    pyyaml tqdm "omegaconf!=2.2.1" requests colorlog six opencc "rapidocr==3.10.0"
"$VENV/bin/pip" install -q --no-deps "rapidocr-onnxruntime==1.4.4"
# The generator reads Tesseract's hOCR and writes renders as OCR files with restore.formats (lxml):
# restore itself without its other dependencies (no kenlm build needed here).
"$VENV/bin/pip" install -q lxml
"$VENV/bin/pip" install -q --no-deps -e "$(cd "$(dirname "$0")/../.." && pwd)"
"$VENV/bin/python" - <<'PY'
import importlib.resources as r
import rapidocr, rapidocr_onnxruntime  # noqa: F401  (import check only)
print("rapidocr models:", sorted(p.name for p in (r.files("rapidocr") / "models").iterdir()))
print("rapidocr_onnxruntime models:",
      sorted(p.name for p in (r.files("rapidocr_onnxruntime") / "models").iterdir()))
PY
tesseract --list-langs 2>&1 | tr '\n' ' '; echo
echo "ocrgen venv ready: $VENV"
