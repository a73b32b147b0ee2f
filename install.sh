#!/usr/bin/env bash
# One command from a fresh clone to a cited answer: a virtual environment in .venv, PyTorch pinned to
# the CPU build where the package index serves one (else set TORCH_INDEX, below: stock PyPI's Linux
# wheel brings CUDA packages) with newsqa and its test extras, then a first
# question answered from the built-in sample corpus (on torch fp32), then the encoder backend chosen for
# this CPU (``auto``'s one-time conversions and parity check, announced; docs/backends.md).
#
#   ./install.sh            set up, ask the sample question, choose the backend
#   ./install.sh --no-demo  set up only (CI)
#   NEWSQA_BACKEND=torch ./install.sh   no backend choice (torch fp32: nothing to convert)
#
# PYTHON=python3.12 ./install.sh picks another interpreter. Elsewhere than this machine, the CPU wheel
# of torch comes from PyTorch's CPU index: TORCH_INDEX=https://download.pytorch.org/whl/cpu ./install.sh
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
TORCH_SPEC=${TORCH_SPEC:-torch==2.13.0}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
# One resolver call: the pinned CPU torch (unless the venv has a torch already) and newsqa with its
# extras (ray: --engine ray; backends: OpenVINO / ONNX Runtime; both tested in CI). With TORCH_INDEX,
# PyTorch's CPU index is an extra index: its "2.13.0+cpu" sorts above PyPI's "2.13.0", so the pin takes
# the CPU build (pip then may take any package from either index: use PyTorch's own index only).
TORCH=()
if ! .venv/bin/python -c "import torch" 2>/dev/null; then
  TORCH=("$TORCH_SPEC")
  if [ -n "${TORCH_INDEX:-}" ]; then
    TORCH+=(--extra-index-url "$TORCH_INDEX")
  fi
fi
# pip -q prints nothing until it is done (minutes on a fresh machine): say so first.
echo "Installing newsqa and its dependencies (CPU PyTorch the first time) into .venv: ~3 GB, several minutes on a fresh machine; pip prints nothing until done ..."
# PYTHONWARNINGS: setuptools warns on every editable install of a layout like ours (the package folders
# mapped by package-dir, so it installs a meta path finder) that "folders in your working directory with
# the same name as your package may take precedence during imports"; here the only such folder is the
# package itself (newsqa/), and no setting of pyproject.toml avoids the finder (editable_mode=strict would
# miss new modules until a reinstall), so that one message is silenced: a new user read it as an error.
PYTHONWARNINGS="ignore:Editable installation" \
  .venv/bin/pip install -q ${TORCH[@]+"${TORCH[@]}"} -e '.[test,ray,backends]'  # (the +: an empty array under set -u, bash < 4.4)
# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  elif sudo -n true 2>/dev/null; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "note: the browser tests need Debian's chromium (sudo apt-get install chromium); they skip without it"
  fi
fi
if [ "${1:-}" != "--no-demo" ]; then
  export HF_HUB_OFFLINE=1
  echo
  # The demo answers on torch fp32 (seconds); auto's one-time backend choice (~90 CPU-s: OpenVINO and
  # ONNX conversions, parity, timing) is made right after, announced, so no first command stalls on it.
  echo '$ newsqa ask --backend torch "What did Putin say when asked if Moscow would help Kim build satellites?"'
  .venv/bin/newsqa ask --backend torch "What did Putin say when asked if Moscow would help Kim build satellites?"
  echo
  .venv/bin/python -m newsqa.embeddings.backends.warm || echo "note: the backend choice failed; newsqa uses torch fp32 (see docs/backends.md)"
  echo
  echo "Set up. Activate with: source .venv/bin/activate   (then: newsqa --help)"
fi
