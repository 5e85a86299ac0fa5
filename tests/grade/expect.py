#!/usr/bin/env python3
"""tests/grade/expect.py CLASS_JSON EXPECTED [GAPS]

Compare a `workbook grade --format json` class document with the expected
scores written by make-class.sh.  Prints one line per student:
    PASS <student>
    FAIL <student>\t<what differs>
    SKIP <student>\t<known gap>
and a FAIL line for every student in the report that nobody expected.
"""
import json
import re
import sys


def main():
    report = json.load(open(sys.argv[1], encoding="utf-8"))
    expected = {}
    order = []
    for line in open(sys.argv[2], encoding="utf-8"):
        student, exercise, score, pattern = line.rstrip("\n").split(" ", 3)
        if student not in expected:
            expected[student] = {}
            order.append(student)
        expected[student][exercise] = (float(score), pattern)
    gaps = {}
    if len(sys.argv) > 3:
        for line in open(sys.argv[3], encoding="utf-8"):
            if line.strip():
                student, exercise, why = line.rstrip("\n").split(" ", 2)
                gaps[(student, exercise)] = why

    got = {s["student"]: s for s in report["students"]}
    for student in order:
        run = got.get(student)
        if run is None:
            print(f"FAIL {student}\tno result in the report")
            continue
        exercises = {x["name"]: x for x in run["exercises"]}
        problems, gap = [], None
        for exercise, (score, pattern) in sorted(expected[student].items()):
            x = exercises.get(exercise)
            if x is None:
                problems.append(f"{exercise}: missing")
                continue
            msg = x["message"] or ""
            wrong = []
            if abs(x["score"] - score) > 1e-9:
                wrong.append(f"score {x['score']:g}, wanted {score:g}")
            if not re.search(pattern, msg):
                wrong.append(f"message {msg!r} does not match /{pattern}/")
            if wrong and (student, exercise) in gaps:
                gap = f"{exercise}: {gaps[(student, exercise)]} ({'; '.join(wrong)})"
            elif wrong:
                problems.append(f"{exercise}: {'; '.join(wrong)}")
        if problems:
            print(f"FAIL {student}\t{' | '.join(problems)}")
        elif gap:
            print(f"SKIP {student}\t{gap}")
        else:
            print(f"PASS {student}")
    for student in sorted(set(got) - set(expected)):
        print(f"FAIL {student}\tgraded, but not a student of the class")


if __name__ == "__main__":
    main()
