"""Compares Entente's built-in business-day calendars with the `holidays` package.

Reads the JSON lines printed by `cargo run -p entente-domain --example holidays` on standard
input. For each calendar (code `nl`, `gb-eng`, `us-ny` … maps to the package's country and
subdivision) and each year, it compares the days that are holidays on a working weekday,
substitute and observed days included: those are the days a holiday closes. Only the package's
`public` category is used (days that close businesses by law), never bank-only, optional or
government-only days. Days that the package marks
as estimated are never compared: the package does not vouch for them, and a calendar lists
such days only for the years it knows (its `known until` year).

Every difference must be listed in the calendar file as `except YYYY-MM-DD reason; source: …`;
an exception that no longer matches a difference is reported too. Exit status 1 on any finding.
"""

import datetime as dt
import json
import sys
import time

import holidays


def oracle(code, years):
    parts = code.upper().split("-")
    country, subdiv = parts[0], (parts[1] if len(parts) > 1 else None)
    kwargs = {"years": years, "categories": ("public",)}
    if country == "SE":
        # The Swedish list counts every Sunday as a holiday unless told not to.
        return holidays.SE(include_sundays=False, **kwargs)
    return holidays.country_holidays(country, subdiv=subdiv, **kwargs)


def main():
    started = time.monotonic()
    failures = 0
    calendars = 0
    exceptions_total = 0
    for line in sys.stdin:
        if not line.strip():
            continue
        cal = json.loads(line)
        calendars += 1
        code = cal["code"]
        years = range(cal["from"], cal["until"] + 1)
        weekend = cal["weekend"]

        def closes(day):
            return not weekend[day.weekday()]

        ours = {}
        for day, name, _business in cal["holidays"]:
            d = dt.date.fromisoformat(day)
            if closes(d):
                ours[d] = name
        theirs = {}
        for d, name in oracle(code, years).items():
            if not closes(d):
                continue
            # The package marks lunar days it has not seen announced as estimated: it does not
            # vouch for them, so they are not compared (a calendar lists such days only for
            # the years it knows, up to its `known until` year).
            kept = [n for n in name.split("; ") if "estimated" not in n]
            if kept:
                theirs[d] = "; ".join(kept)
        excepted = {dt.date.fromisoformat(d): note for d, note in cal["exceptions"]}
        exceptions_total += len(excepted)
        diffs = {}
        for d in set(ours) | set(theirs):
            if (d in ours) != (d in theirs):
                diffs[d] = (ours.get(d), theirs.get(d))
        unexplained = sorted(d for d in diffs if d not in excepted)
        stale = sorted(d for d in excepted if d not in diffs)
        for d in unexplained:
            mine, other = diffs[d]
            failures += 1
            if mine:
                print(f"{cal['file']}: {d} {d:%a}: ours has {mine!r}, the package has none")
            else:
                print(f"{cal['file']}: {d} {d:%a}: the package has {other!r}, ours has none")
        for d in stale:
            failures += 1
            print(f"{cal['file']}: except {d}: no difference on that day any more; remove the line")
    took = time.monotonic() - started
    print(
        f"holiday oracle (holidays {holidays.__version__}): {calendars} calendars, "
        f"{exceptions_total} documented exceptions, {failures} finding(s), {took:.1f} s"
    )
    if calendars == 0:
        print("no calendars were read on standard input")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
