"""Compares Entente's built-in business-day calendars with two independent holiday libraries.

Reads the JSON lines printed by `cargo run -p entente-domain --example holidays` on standard
input and compares each calendar, year by year, with the `holidays` package and with the
`workalendar` package wherever that one has the country (or state) and the year:

- holidays on a working weekday, substitute and observed days included: those are the days a
  holiday closes. From `holidays`, only the `public` category (days that close businesses by
  law), never bank-only, optional or government-only days; days it marks as estimated (lunar
  days it has not seen announced) are not compared.
- declared working days (a weekend day that is a business day, `workday` in a calendar file)
  where the library exposes them: `holidays` does (`weekend_workdays`); `workalendar` models
  none for these countries, so working days are compared with `holidays` alone.

Every difference must be documented in the calendar file as an `except` line naming the
library (or none, for every library), then a date or a holiday in quotes (ours, or the
library's name where only the library has the day) with optional `from`/`until` years, then
the reason and `source: …`, the law that decides. An exception that no longer matches a
difference is reported too. Exit status 1 on any finding.

Usage: python holiday_oracle.py [--report]  (--report lists every documented difference,
with which side has the day: O ours, H holidays, W workalendar).
"""

import datetime as dt
import json
import sys
import time
import warnings
from collections import Counter, defaultdict

import holidays
import workalendar
from workalendar.registry import registry

# workalendar's calendar for each of ours, where its own code differs; None: not covered
# (its Scotland module models town holidays and calls itself experimental).
WORKALENDAR_CODES = {"gb-eng": "GB", "gb-wls": "GB", "gb-sct": None}


def holidays_reference(code, years):
    """The `holidays` package's days for `code`, and the years it supports."""
    parts = code.upper().split("-")
    country, subdiv = parts[0], (parts[1] if len(parts) > 1 else None)
    kwargs = {"categories": ("public",)}
    if country == "SE":
        # The Swedish list counts every Sunday as a holiday unless told not to.
        cls, kwargs = holidays.SE, dict(kwargs, include_sundays=False)
    else:
        cls = holidays.country_holidays(country, subdiv=subdiv, **kwargs).__class__
        kwargs = dict(kwargs, subdiv=subdiv)
    covered = [y for y in years if cls.start_year <= y <= cls.end_year]
    h = cls(years=covered, **kwargs)
    days = {}
    for d, name in h.items():
        kept = [n for n in name.split("; ") if "estimated" not in n]
        if kept:
            days[d] = "; ".join(kept)
    workdays = {d: "working day" for d in h.weekend_workdays if d.year in covered}
    return days, workdays, set(covered)


def workalendar_reference(code, years):
    """workalendar's days for `code` and the years it can compute, or None if not covered."""
    key = WORKALENDAR_CODES.get(code, code.upper())
    cls = registry.region_registry.get(key) if key else None
    if cls is None:
        return None
    cal = cls()
    days, covered = {}, set()
    for y in [years[0] - 1, *years, years[-1] + 1]:
        try:
            found = cal.holidays(y)
        except Exception:  # noqa: BLE001 - a year it has no data for (lunar tables end)
            continue
        if y in years:
            covered.add(y)
        for d, name in found:
            days.setdefault(d, name)
    days = {d: n for d, n in days.items() if d.year in covered}
    return days, None, covered


def name_matches(wanted, name):
    """A day's name matches an exception's when one of its parts is the name, or the name with
    a suffix in brackets ("Christmas Day (observed)")."""
    if not name:
        return False
    return any(p == wanted or p.startswith(wanted + " (") for p in name.split("; "))


def excuses(exc, library, d, name):
    if exc["library"] not in (None, library):
        return False
    if exc["date"] is not None:
        return exc["date"] == d
    if (exc["from"] and d.year < exc["from"]) or (exc["until"] and d.year > exc["until"]):
        return False
    return name_matches(exc["name"], name)


def main():
    report = "--report" in sys.argv[1:]
    warnings.simplefilter("ignore")
    started = time.monotonic()
    failures = 0
    calendars = []
    both, one = [], []
    differences = Counter()  # library -> differences found
    documented_rules = 0
    unverified_rules = 0
    unverified_days = 0
    documented_lines = []
    for line in sys.stdin:
        if not line.strip():
            continue
        cal = json.loads(line)
        calendars.append(cal["code"])
        code = cal["code"]
        years = list(range(cal["from"], cal["until"] + 1))
        weekend = cal["weekend"]

        def closes(day):
            return not weekend[day.weekday()]

        ours = {}
        for day, name, _business in cal["holidays"]:
            d = dt.date.fromisoformat(day)
            if closes(d):
                ours[d] = name
        our_workdays = {dt.date.fromisoformat(d): n for d, n in cal["workdays"]}
        exceptions = []
        for e in cal["exceptions"]:
            e = dict(e)
            e["date"] = dt.date.fromisoformat(e["date"]) if e["date"] else None
            e["used"] = 0
            exceptions.append(e)
        documented_rules += len(exceptions)
        unverified_rules += sum(e["note"].startswith("unverified") for e in exceptions)

        refs = {"holidays": holidays_reference(code, years)}
        wk = workalendar_reference(code, years)
        if wk is not None:
            refs["workalendar"] = wk
            both.append(code)
        else:
            one.append(code)
        # Every difference: (date, kind) -> {library: (ours, theirs)}.
        diffs = defaultdict(dict)
        for lib, (days, workdays, covered) in refs.items():
            theirs = {d: n for d, n in days.items() if closes(d)}
            for d in set(ours) | set(theirs):
                if d.year in covered and (d in ours) != (d in theirs):
                    diffs[(d, "holiday")][lib] = (ours.get(d), theirs.get(d))
            if workdays is None:
                continue
            for d in set(our_workdays) | set(workdays):
                if d.year in covered and (d in our_workdays) != (d in workdays):
                    diffs[(d, "working day")][lib] = (our_workdays.get(d), workdays.get(d))
        for (d, kind), by_lib in sorted(diffs.items()):
            for lib, (mine, other) in sorted(by_lib.items()):
                differences[lib] += 1
                name = mine or other
                hit = [e for e in exceptions if excuses(e, lib, d, name)]
                for e in hit:
                    e["used"] += 1
                if hit:
                    unverified_days += all(e["note"].startswith("unverified") for e in hit)
                    if report:
                        sides = ("O" if mine else "-") + "".join(
                            (lib[0].upper() if (other if l == lib else mine) else "-")
                            for l in ("holidays", "workalendar")
                        )
                        documented_lines.append(
                            f"{cal['file']}: {d} {d:%a} {kind} {sides} {name!r}: {hit[0]['note']}"
                        )
                    continue
                failures += 1
                if mine:
                    print(
                        f"{cal['file']}: {d} {d:%a}: ours has the {kind} {mine!r}, {lib} has none"
                    )
                else:
                    print(
                        f"{cal['file']}: {d} {d:%a}: {lib} has the {kind} {other!r}, ours has none"
                    )
        for e in exceptions:
            if not e["used"]:
                failures += 1
                what = e["date"] or f'"{e["name"]}"'
                lib = e["library"] or "any library"
                print(
                    f"{cal['file']}: except {what} ({lib}): no difference matches it any more; "
                    "remove the line"
                )
    took = time.monotonic() - started
    if report:
        print("\n".join(documented_lines))
    print(
        f"holiday oracle (holidays {holidays.__version__}, workalendar {workalendar.__version__}): "
        f"{len(calendars)} calendars, {len(both)} checked against both libraries, "
        f"{len(one)} against holidays only ({' '.join(one)}); differences: "
        + ", ".join(f"{differences[lib]} with {lib}" for lib in ("holidays", "workalendar"))
        + f"; {documented_rules} except lines document them ({unverified_rules} lines, covering "
        f"{unverified_days} differences, still unverified against the law); "
        f"{failures} finding(s), {took:.1f} s"
    )
    if not calendars:
        print("no calendars were read on standard input")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
