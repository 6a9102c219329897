#!/usr/bin/env python3
"""Build tests/corpus/gold.jsonl from the compact hand-written labels.

Run from the repository root:

    python3 tests/corpus/tools/build_gold.py      # writes tests/corpus/gold.jsonl
    python3 tests/corpus/tools/check_gold.py      # validates it against the texts

The labels themselves live in tests/corpus/tools/labels_*.py (one dict per
agreement, written by hand).  This script only expands them mechanically into
the shared gold schema (the fields that the CUAD development set also has) plus
Entente's own fields.  Nothing here infers a label from the text.
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import labels_us  # noqa: E402
import labels_uk  # noqa: E402
import labels_eu  # noqa: E402
from common import CLAUSE_CATEGORIES  # noqa: E402

REVIEW_WORDS = re.compile(r"\b(reports?|meet(s|ing)?|review|committee|calls?|plans?|forecasts?|minutes|assembly|board|dashboard|statement)\b", re.I)
UNIT_LETTER = {"day": "D", "week": "W", "month": "M", "year": "Y"}


def date_obj(raw, iso):
    y, m, d = (int(x) for x in iso.split("-"))
    return {"raw": raw, "iso": iso, "year": y, "month": m, "day": d, "complete": True}


def date_field(pairs):
    pairs = pairs or []
    dates = [date_obj(r, i) for r, i in pairs]
    raw = "; ".join(r for r, _ in pairs)
    return {"answer_raw": raw, "has_clause": bool(dates), "dates": dates}


def period(value, unit):
    return {"value": value, "unit": unit, "iso": "P%d%s" % (value, UNIT_LETTER[unit])}


def expand(lab):
    out = {}
    out["id"] = lab["id"]
    out["text_file"] = "txt/%s.txt" % lab["id"]
    variants = []
    for kind in ("docx", "pdf"):
        rel = "%s/%s.%s" % (kind, lab["id"], kind)
        if os.path.exists(os.path.join(CORPUS, rel)):
            variants.append(rel)
    out["variants"] = variants
    out["contract_type"] = lab["type"]
    out["subtype"] = lab["kind"]
    out["cooperation_like"] = lab.get("coop", True)
    out["style"] = lab["style"]
    out["document_name"] = {"answer_raw": lab["title"], "has_clause": True}

    parties = [{"name": n, "aliases": list(a)} for n, a in lab["parties"]]
    out["parties"] = {
        "answer_raw": "; ".join(n for n, _ in lab["parties"]),
        "has_clause": True,
        "parties": parties,
    }
    out["agreement_date"] = date_field(lab.get("agreement_date"))
    out["effective_date"] = date_field(lab.get("effective_date"))
    exp = date_field(lab.get("expiration"))
    exp["perpetual"] = bool(lab.get("perpetual", False))
    if exp["perpetual"]:
        exp["has_clause"] = True
        exp["answer_raw"] = exp["answer_raw"] or lab.get("perpetual_raw", "Perpetual")
    out["expiration_date"] = exp

    terms = []
    for successive, value, unit in lab.get("renewal", []):
        p = period(value, unit)
        terms.append({"successive": successive, "value": value, "unit": unit, "iso": p["iso"]})
    out["renewal_term"] = {
        "answer_raw": lab.get("renewal_raw", ""),
        "has_clause": bool(terms),
        "terms": terms,
        "perpetual": bool(lab.get("renewal_perpetual", False)),
    }
    if out["renewal_term"]["perpetual"]:
        out["renewal_term"]["has_clause"] = True
    periods = [period(v, u) for v, u in lab.get("notice", [])]
    out["notice_period_to_terminate_renewal"] = {
        "answer_raw": lab.get("notice_raw", ""),
        "has_clause": bool(periods),
        "periods": periods,
    }
    law = lab.get("law", [])
    out["governing_law"] = {
        "answer_raw": lab.get("law_raw", ""),
        "has_clause": bool(law),
        "jurisdictions": law,
    }
    present = set(lab.get("clauses", []))
    unknown = present - set(CLAUSE_CATEGORIES)
    if unknown:
        raise SystemExit("%s: unknown clause categories %s" % (lab["id"], sorted(unknown)))
    out["clauses"] = {c: {"present": c in present} for c in CLAUSE_CATEGORIES}

    # Entente's own fields
    out["initial_term"] = {"iso": lab["initial_term"]} if lab.get("initial_term") else None
    out["termination_for_convenience"] = lab.get("tfc")
    out["cure_period"] = {"iso": lab["cure"]} if lab.get("cure") else None
    out["venue"] = {"value": lab["venue"]} if lab.get("venue") else None
    out["liability_cap"] = lab.get("cap")
    out["excluded_damages"] = list(lab.get("excluded", []))
    out["indemnity"] = lab.get("indemnity")
    out["confidentiality"] = lab.get("conf")
    out["ip_ownership"] = lab.get("ip")
    out["dispute_resolution"] = lab.get("disputes")
    out["termination_fee"] = lab.get("fee")
    out["obligations"] = [expand_obligation(o) for o in lab.get("obligations", [])]
    out["blind_spots"] = compute_blind_spots(lab, out)
    declared = set(lab.get("blind", []))
    if declared - set(out["blind_spots"]):
        print("note: %s declared but not derived: %s" % (lab["id"], sorted(declared - set(out["blind_spots"]))))
    return out


def compute_blind_spots(lab, out):
    """Blind spots follow fixed rules (see README) applied to the labels above."""
    spots = []
    obs = out["obligations"]
    vague = sum(1 for o in obs if o["vague"])
    if vague >= 2 and vague >= 0.4 * len(obs):
        spots.append("ambiguous_obligations")
    # a review cycle = a recurring meeting, report, review or plan (recurring payments do not count)
    recurring = any(o["timing"]["kind"] == "recurring" and REVIEW_WORDS.search(o["action_contains"])
                    for o in obs)
    if not out["renewal_term"]["terms"] and not out["renewal_term"]["perpetual"] and not recurring and not lab.get("review_cycle"):
        spots.append("static_document")
    cap = out["liability_cap"]
    if (cap is None and not out["excluded_damages"]) or (cap and cap["kind"] == "uncapped") \
            or lab.get("asymmetric"):
        spots.append("poor_risk_allocation")
    if not (out["termination_for_convenience"] or out["cure_period"] or lab.get("exit_rights")):
        spots.append("missing_exit")
    dr = out["dispute_resolution"]
    if not out["governing_law"]["jurisdictions"] or dr is None or dr["tiers"] == ["courts"]:
        spots.append("missing_enforcement")
    return spots


def expand_obligation(o):
    obligor, action, timing, threshold, vague = o
    t = {"kind": "none", "iso": None, "frequency": None}
    if timing:
        parts = timing.split(":")
        if parts[0] == "w":
            t = {"kind": "within", "iso": parts[1], "frequency": None}
        elif parts[0] == "wb":
            t = {"kind": "within", "iso": parts[1], "frequency": None, "business_days": True}
        elif parts[0] == "r":
            t = {"kind": "recurring", "iso": parts[2] if len(parts) > 2 else None, "frequency": parts[1]}
        elif parts[0] == "rb":
            t = {"kind": "recurring", "iso": parts[2], "frequency": parts[1], "business_days": True}
        elif parts[0] == "d":
            t = {"kind": "date", "iso": None, "frequency": None, "date": parts[1]}
        else:
            raise SystemExit("bad timing %r" % timing)
    return {"obligor": obligor, "action_contains": action, "timing": t,
            "threshold": threshold, "vague": vague}


def main():
    labels = labels_us.LABELS + labels_uk.LABELS + labels_eu.LABELS
    seen = set()
    lines = []
    for lab in labels:
        if lab["id"] in seen:
            raise SystemExit("duplicate id %s" % lab["id"])
        seen.add(lab["id"])
        lines.append(json.dumps(expand(lab), ensure_ascii=False, sort_keys=False))
    with open(os.path.join(CORPUS, "gold.jsonl"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote %d gold records" % len(lines))


if __name__ == "__main__":
    main()
