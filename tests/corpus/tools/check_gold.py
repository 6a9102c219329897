#!/usr/bin/env python3
"""Validate tests/corpus/gold.jsonl against the agreement texts.

Run from anywhere:  python3 tests/corpus/tools/check_gold.py [--review ID ...]

Checks: every line parses; required keys exist; text_file and variants exist;
all 33 clause categories are present with a boolean; dates are valid ISO dates;
durations look like ISO 8601; party names, aliases, raw date strings and
obligation substrings occur verbatim in the text; enumerated values are legal.
With --review, also lists duty-like sentences ("shall", "will", "must", ...)
of the named agreements that no obligation label covers, for a human to judge
(prohibitions, definitions and mechanics are expected to stay uncovered).
"""
import datetime
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from common import CLAUSE_CATEGORIES  # noqa: E402

REQUIRED = ["id", "text_file", "variants", "contract_type", "cooperation_like", "style",
            "parties", "agreement_date", "effective_date", "expiration_date", "renewal_term",
            "notice_period_to_terminate_renewal", "governing_law", "clauses",
            "initial_term", "termination_for_convenience", "cure_period", "venue",
            "liability_cap", "excluded_damages", "indemnity", "confidentiality",
            "ip_ownership", "dispute_resolution", "termination_fee", "obligations",
            "blind_spots"]
DAMAGES = {"indirect", "consequential", "incidental", "special", "punitive", "exemplary",
           "lost_profits", "lost_revenue", "loss_of_data", "loss_of_goodwill"}
BLIND = {"ambiguous_obligations", "static_document", "poor_risk_allocation", "missing_exit",
         "missing_enforcement"}
ISO_DUR = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?)?$")
TIERS = {"negotiation", "mediation", "arbitration", "courts", "expert_determination"}


def norm(s):
    return re.sub(r"\s+", " ", s)


def main(argv):
    review = set(argv[1:]) if len(argv) > 1 and argv[0] == "--review" else set()
    errors = []
    ids = set()
    n = 0
    with open(os.path.join(CORPUS, "gold.jsonl"), encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            n += 1

            def err(msg):
                errors.append("line %d (%s): %s" % (lineno, rec.get("id"), msg))
            try:
                rec = json.loads(line)
            except ValueError as e:
                rec = {}
                err("does not parse: %s" % e)
                continue
            for k in REQUIRED:
                if k not in rec:
                    err("missing key %s" % k)
            if rec["id"] in ids:
                err("duplicate id")
            ids.add(rec["id"])
            path = os.path.join(CORPUS, rec["text_file"])
            if not os.path.exists(path):
                err("missing text file")
                continue
            text = open(path, encoding="utf-8").read()
            ntext = norm(text)
            for v in rec["variants"]:
                if not os.path.exists(os.path.join(CORPUS, v)):
                    err("missing variant %s" % v)
            if rec["style"] not in ("US", "UK", "EU"):
                err("bad style")
            for p in rec["parties"]["parties"]:
                for s in [p["name"]] + p["aliases"]:
                    if s not in text:
                        err("party string not in text: %r" % s)
            for key in ("agreement_date", "effective_date", "expiration_date"):
                for d in rec[key]["dates"]:
                    try:
                        datetime.date.fromisoformat(d["iso"])
                    except ValueError:
                        err("%s: bad iso %r" % (key, d["iso"]))
                    if norm(d["raw"]) not in ntext:
                        err("%s: raw not in text: %r" % (key, d["raw"]))
            for key in ("renewal_term", "notice_period_to_terminate_renewal", "governing_law"):
                raw = rec[key].get("answer_raw", "")
                if raw and norm(raw) not in ntext:
                    err("%s: raw not in text: %r" % (key, raw))
            for t in rec["renewal_term"]["terms"]:
                if not ISO_DUR.match(t["iso"]):
                    err("bad renewal iso")
            for p in rec["notice_period_to_terminate_renewal"]["periods"]:
                if not ISO_DUR.match(p["iso"]):
                    err("bad notice iso")
            if set(rec["clauses"]) != set(CLAUSE_CATEGORIES):
                err("clause categories differ: %s" % (set(rec["clauses"]) ^ set(CLAUSE_CATEGORIES)))
            for c, v in rec["clauses"].items():
                if not isinstance(v.get("present"), bool):
                    err("clause %s without boolean present" % c)
            for key in ("initial_term", "cure_period"):
                if rec[key] and not ISO_DUR.match(rec[key]["iso"]):
                    err("%s bad iso" % key)
            tfc = rec["termination_for_convenience"]
            if tfc:
                if tfc["notice_iso"] and not ISO_DUR.match(tfc["notice_iso"]):
                    err("tfc bad iso")
                if not rec["clauses"]["termination_for_convenience"]["present"]:
                    err("tfc set but clause flag false")
            elif rec["clauses"]["termination_for_convenience"]["present"]:
                err("tfc clause flag true but tfc null")
            aliases = {a for p in rec["parties"]["parties"] for a in p["aliases"]}
            names = {p["name"] for p in rec["parties"]["parties"]}
            if tfc and tfc["by"] != "either" and tfc["by"] not in aliases | names:
                err("tfc.by unknown %r" % tfc["by"])
            cap = rec["liability_cap"]
            if cap:
                if cap["kind"] == "amount":
                    float(cap["amount"])
                    if not re.match(r"^[A-Z]{3}$", cap["currency"]):
                        err("bad currency")
                elif cap["kind"] not in ("formula", "uncapped"):
                    err("bad cap kind")
                if cap["kind"] in ("amount", "formula") and not rec["clauses"]["cap_on_liability"]["present"]:
                    err("cap set but cap_on_liability false")
            if set(rec["excluded_damages"]) - DAMAGES:
                err("bad excluded damages")
            if rec["excluded_damages"] and not rec["clauses"]["cap_on_liability"]["present"]:
                err("excluded damages but cap_on_liability false (CUAD counts exclusions)")
            ind = rec["indemnity"]
            if ind:
                if ind["kind"] not in ("mutual", "one_way"):
                    err("bad indemnity kind")
                for a in ind["by"]:
                    if a not in aliases | names:
                        err("indemnity by unknown %r" % a)
            conf = rec["confidentiality"]
            if conf and conf["duration_iso"] and not ISO_DUR.match(conf["duration_iso"]):
                err("bad confidentiality iso")
            dr = rec["dispute_resolution"]
            if dr:
                if set(dr["tiers"]) - TIERS:
                    err("bad tiers %s" % dr["tiers"])
                for k in ("negotiation_iso", "mediation_iso"):
                    if dr.get(k) and not ISO_DUR.match(dr[k]):
                        err("bad %s" % k)
            if set(rec["blind_spots"]) - BLIND:
                err("bad blind spots")
            for o in rec["obligations"]:
                if o["obligor"] != "each" and o["obligor"] not in aliases | names:
                    err("obligor unknown %r" % o["obligor"])
                if norm(o["action_contains"]) not in ntext:
                    err("obligation text not found: %r" % o["action_contains"])
                elif ntext.count(norm(o["action_contains"])) > 1:
                    err("obligation text not unique: %r" % o["action_contains"])
                t = o["timing"]
                if t["kind"] not in ("within", "recurring", "date", "none"):
                    err("bad timing kind")
                if t["iso"] and not ISO_DUR.match(t["iso"]):
                    err("bad timing iso %r" % t["iso"])
                if t["kind"] == "recurring" and t["frequency"] not in ("daily", "weekly", "biweekly", "monthly", "bimonthly", "quarterly", "semiannually", "annually"):
                    err("bad frequency")
                if t["kind"] == "date":
                    datetime.date.fromisoformat(t["date"])
                if not isinstance(o["vague"], bool):
                    err("vague not bool")
            if rec["id"] in review:
                covered = [norm(o["action_contains"]) for o in rec["obligations"]]
                mod = re.compile(r"\b(shall|will|must|agrees? to|undertakes? to|(is|are) responsible for)\b", re.I)
                print("== uncovered duty-like sentences in", rec["id"])
                for s in re.split(r"(?<=[.;:])\s+", ntext):
                    if mod.search(s) and not any(c in s for c in covered):
                        print("   ", s[:200])
    for e in errors:
        print("ERROR", e)
    print("%d records, %d errors" % (n, len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
