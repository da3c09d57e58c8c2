"""Follow-up: status events per recommendation and addressee, their history, and the overall
status of a recommendation (issue 15, first part)."""

import json

import pytest

from conftest import NORFOLK, numbers, run, snapshot, write


def _history(reference):
    return json.loads(run("history", reference, "--json").stdout)


def _status(number):
    rows = json.loads(run("show", "norfolk-2023-04", "--json").stdout)
    return {r["number"]: r["status"] for r in rows}[number]


def test_events_outlive_reimports_and_the_history_is_in_date_order(norfolk, tmp_path):
    assert run("status", "norfolk-2023-04/2", "implemented", "--agency", "Norfolk Constabulary",
               "--date", "2024-02-10", "--note", "New leaflet on the website").exit_code == 0
    # recorded out of order: the history and the current state go by the date it became true
    assert run("status", "norfolk-2023-04/4", "implemented", "--agency", "Leeway",
               "--date", "2024-03-01").exit_code == 0
    assert run("status", "norfolk-2023-04/4", "in-progress", "--agency", "Leeway",
               "--date", "2023-09-01").exit_code == 0
    assert run("import", NORFOLK).exit_code == 0
    edited = NORFOLK.read_text(encoding="utf-8").replace("evaluated in order that", "evaluated so that")
    assert "1 updated" in run("import", write(tmp_path / "n.yaml", edited)).stderr
    two = _history("norfolk-2023-04/2")
    assert [(e["addressee"], e["status"], e["date"], e["note"]) for e in two] == [
        ("Norfolk Constabulary", "implemented", "2024-02-10", "New leaflet on the website")]
    four = _history("norfolk-2023-04/4")
    assert [(e["status"], e["date"]) for e in four] == [("in-progress", "2023-09-01"),
                                                       ("implemented", "2024-03-01")]
    assert _status("2") == "implemented"
    assert _status("4") == "open (1 of 2 closed)"  # Norfolk Constabulary: awaiting-response
    assert _status("6") == "awaiting-response"
    assert "4" in numbers(run("export", "--status", "open", "--json"))
    assert numbers(run("export", "--status", "closed", "--json")) == ["2"]
    assert numbers(run("export", "--status", "implemented", "--json")) == ["2", "4"]
    assert numbers(run("by-agency", "Leeway", "--status", "in-progress", "--json")) == []


def test_a_withdrawn_event_is_kept_and_no_longer_counts(norfolk):
    assert run("status", "norfolk-2023-04/6", "not-accepted", "--date", "2024-01-01").exit_code == 0
    assert _status("6") == "not-accepted"
    event = _history("norfolk-2023-04/6")[0]["event"]
    result = run("withdraw", str(event))
    assert result.exit_code == 0 and "withdrew event" in result.stderr
    assert _status("6") == "awaiting-response"
    kept = _history("norfolk-2023-04/6")
    assert len(kept) == 1 and kept[0]["withdrawn_at"]
    again = run("withdraw", str(event))
    assert again.exit_code == 1 and "withdrawn already" in again.stderr


def test_check_lists_the_events_of_a_recommendation_that_went(norfolk, tmp_path):
    assert run("status", "norfolk-2023-04/31", "accepted", "--date", "2024-01-01").exit_code == 0
    fewer = NORFOLK.read_text(encoding="utf-8")
    fewer = fewer[:fewer.index('- number: 31')]  # the last recommendation dropped
    assert run("import", "--replace", write(tmp_path / "n.yaml", fewer)).exit_code == 0
    result = run("check")
    assert result.exit_code == 1 and "2 status events for a recommendation or addressee no " \
        "longer in the catalogue" in result.stderr
    assert run("import", NORFOLK).exit_code == 0  # it comes back, with its history
    assert run("check").exit_code == 0
    assert {e["status"] for e in _history("norfolk-2023-04/31")} == {"accepted"}


@pytest.mark.parametrize("args, said", [
    (["norfolk-2023-04/2", "done-ish", "--date", "2024-01-01"], "'done-ish' is not a status"),
    (["norfolk-2023-04/2", "implemented", "--date", "31/02/2024"], "'31/02/2024' is not a date"),
    (["norfolk-2023-04/2", "implemented", "--date", "2024-01-01", "--agency", "Home Office"],
     "'Home Office' is not an addressee of norfolk-2023-04/2"),
    (["norfolk-2023-04/99", "implemented", "--date", "2024-01-01"], "has no recommendation '99'"),
])
def test_bad_follow_up_input_is_one_line_and_records_nothing(norfolk, catalogue_path, args, said):
    before = snapshot(catalogue_path)
    result = run("status", *args)
    assert result.exit_code == 1 and said in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(catalogue_path) == before


def test_a_bad_status_filter_is_a_usage_error(norfolk):
    result = run("export", "--status", "finished")
    assert result.exit_code == 2 and "'finished' is not a status" in result.stderr


TARGETS = """id: t-2022
csp: Testshire
published: 2022-06
recommendations:
  - number: '1'
    text: Train staff.
    to: [Testshire Police]
    target: 2023-06-30
  - number: '2'
    text: Audit cases.
    to: [Testshire Police, NHS Testshire CCG]
    target: 2024-12-31
    status:
      - {to: Testshire Police, status: implemented, date: 2024-06-01}
  - number: '3'
    text: Write a policy.
    to: [Testshire Council]
    target: 2024-03-01
    status:
      - {status: in-progress, date: 2023-01-05, note: Draft written}
  - number: '4'
    text: Share information.
    to: [Testshire Council]
  - number: '5'
    text: Review the pathway.
    to: [Testshire Council]
    target: 2025-06-01
"""


def test_overdue_lists_the_open_items_past_target_and_those_never_answered(tmp_path):
    assert run("import", write(tmp_path / "t.yaml", TARGETS)).exit_code == 0
    rows = json.loads(run("overdue", "--as-of", "2025-01-01", "--json").stdout)
    found = [(r["number"], r["addressee"], r["reason"], r["days_overdue"]) for r in rows]
    assert found == [("4", "Testshire Council", "no response", 762),  # since 2022-12-01
                     ("1", "Testshire Police", "past target", 551),
                     ("3", "Testshire Council", "past target", 306),
                     ("2", "NHS Testshire CCG", "past target", 1)]
    assert {r["number"]: r["successor"] for r in rows}["2"] is None  # not a registry CCG
    mine = json.loads(run("overdue", "--as-of", "2025-01-01", "--agency", "Testshire Police",
                          "--json").stdout)
    assert [r["number"] for r in mine] == ["1"]


def test_a_summary_by_sector_and_status_gives_back_the_counts_it_was_built_from(tmp_path):
    import random

    rng = random.Random(7)
    bodies = {"Home Office": "national-government", "NHS England": "health-commissioner",
              "Ministry of Justice": "national-government", "HM Prison and Probation Service":
              "probation-prisons", "Department for Education": "national-government"}
    states = ["implemented", "already-in-place", "partly-implemented", "not-implemented",
              "awaiting-response"]
    built: dict = {}
    recs = []
    for n in range(1, 111):
        body = rng.choice(sorted(bodies))
        state = rng.choice(states)
        sector = bodies[body]
        built.setdefault(sector, {}).setdefault(state, 0)
        built[sector][state] += 1
        rec = {"number": str(n), "text": f"National recommendation {n}.", "to": body}
        if state != "awaiting-response":
            rec["status"] = [{"status": state, "date": "2024-01-01"}]
        recs.append(rec)
    review = {"id": "national", "csp": "Oversight", "published": "2021-01", "recommendations": recs}
    assert run("import", write(tmp_path / "n.json", json.dumps(review))).exit_code == 0
    rows = json.loads(run("stats", "--by", "status", "--per", "sector", "--json").stdout)
    assert {r["sector"]: {s: r[s] for s in states if r.get(s)} for r in rows} == built
    table = run("stats", "--by", "status", "--per", "sector").stdout
    assert "_pct" not in table and "%)" in table  # in a terminal, count and share in one cell
    for row in rows:
        assert round(sum(row[f"{s}_pct"] for s in states if f"{s}_pct" in row), 1) == 100.0
        assert row["total"] == sum(built[row["sector"]].values())


def test_an_exported_catalogue_imported_again_loses_no_follow_up(norfolk, tmp_path):
    assert run("status", "norfolk-2023-04/2", "implemented", "--date", "2024-02-10",
               "--note", "Leaflet", "--evidence", "https://example.org/leaflet").exit_code == 0
    assert run("status", "norfolk-2023-04/4", "in-progress", "--agency", "Leeway",
               "--date", "2023-09-01").exit_code == 0
    assert run("status", "norfolk-2023-04/5", "accepted", "--date", "2023-05-01").exit_code == 0
    assert run("withdraw", str(_history("norfolk-2023-04/5")[0]["event"])).exit_code == 0
    exported = write(tmp_path / "all.yaml", run("export", "--yaml").stdout)
    other = tmp_path / "other.db"
    assert "status events: 3 added" in run("import", "--db", other, exported).stderr
    for args in (["export", "--json"], ["export", "--events", "--json"], ["export", "--yaml"]):
        assert run(*args).stdout == run(*args, "--db", other).stdout, args
    again = run("import", "--db", other, exported)
    assert "status events" not in again.stderr and "1 unchanged" in again.stderr


@pytest.mark.parametrize("status, said", [
    ("{status: finished, date: 2024-01-01}", "status 1: 'finished' is not a status"),
    ("{status: implemented, date: 31/02/2024}", "status 1: '31/02/2024' is not a date"),
    ("{to: Home Office, status: implemented, date: 2024-01-01}",
     "'Home Office', which is not an addressee of this recommendation"),
    ("implemented", "each status must be a mapping with 'status' and 'date'"),
])
def test_a_bad_status_in_a_review_file_is_one_line_and_nothing_is_recorded(
        tmp_path, catalogue_path, status, said):
    text = f"csp: A\nrecommendations:\n  - {{number: '1', text: a, to: X}}\n  - number: '2'\n" \
           f"    text: b\n    to: Y\n    status: [{status}]\n"
    result = run("import", write(tmp_path / "a.yaml", text))
    assert result.exit_code == 1 and said in result.stderr, result.stderr
    assert f"{tmp_path / 'a.yaml'}:" in result.stderr
    assert snapshot(catalogue_path) is None or not snapshot(catalogue_path)["status_events"]


def test_the_report_shows_each_status_and_what_is_outstanding(norfolk, tmp_path):
    assert run("status", "norfolk-2023-04/2", "implemented", "--date", "2024-02-10").exit_code == 0
    text = run("report", "--by", "agency").stdout
    assert "- **Outstanding:** 30 of 31 recommendations open" in text
    assert "*Status:* implemented." in text and "*Status:* awaiting-response." in text
    page = tmp_path / "r.html"
    assert run("report", "--html", "-o", page).exit_code == 0
    assert '<th scope="col">Status</th>' in page.read_text(encoding="utf-8")


def test_an_overdue_item_of_an_abolished_body_shows_under_its_successor(tmp_path):
    text = ("id: m-2021\ncsp: Manchester\npublished: 2021-03\nrecommendations:\n"
            "  - {number: '1', text: Audit referrals., to: NHS Manchester CCG, target: 2022-01-31}\n")
    assert run("import", write(tmp_path / "m.yaml", text)).exit_code == 0
    rows = json.loads(run("overdue", "--as-of", "2025-01-01", "--agency", "NHS Greater Manchester ICB",
                          "--json").stdout)
    assert [(r["number"], r["addressee"], r["successor"]) for r in rows] == [
        ("1", "NHS Manchester CCG", "NHS Greater Manchester ICB")]
    before = json.loads(run("overdue", "--as-of", "2022-02-01", "--json").stdout)
    assert before[0]["successor"] is None  # the ICB took over on 2022-07-01


def test_a_target_for_an_addressee_the_recommendation_lacks_is_one_line(tmp_path, catalogue_path):
    text = ("csp: A\nrecommendations:\n  - number: '1'\n    text: a\n    to: [X, Y]\n"
            "    target: {X: 2024-01-01, Z: 2024-02-01}\n")
    result = run("import", write(tmp_path / "a.yaml", text))
    assert result.exit_code == 1 and "'target': 'Z' is not an addressee" in result.stderr
    problems = [line for line in result.stderr.splitlines() if not line.startswith("dhr:")]
    assert len(problems) == 1 and "a.yaml:6:" in problems[0]
    held = snapshot(catalogue_path)
    assert held is None or not (held["recommendations"] or held["targets"])
    ok = text.replace("Z: 2024-02-01", "'*': 2024-02-01")
    assert run("import", write(tmp_path / "b.yaml", ok)).exit_code == 0
    assert "'*': '2024-02-01'" in run("export", "--yaml").stdout


def test_with_no_status_recorded_every_state_is_what_the_full_lookup_says(norfolk, catalogue_path):
    """Listings skip the lookup of each addressee's state while no status is recorded at all;
    the view keeps it. Both must give the same state, before and after the first event."""
    import sqlite3

    from dhrcli.followup import overall

    def listed():
        return {r["number"]: r["status"] for r in
                json.loads(run("show", "norfolk-2023-04", "--json").stdout)}

    def looked_up():
        with sqlite3.connect(catalogue_path) as db:
            return {number: overall(json.loads(states)) for number, states in db.execute(
                "SELECT number, statuses FROM recommendation_list")}

    before = listed()
    assert set(before.values()) == {"awaiting-response"} and before == looked_up()
    assert run("status", "norfolk-2023-04/4", "implemented", "--agency", "Leeway",
               "--date", "2024-03-01").exit_code == 0
    after = listed()
    assert after["4"] == "open (1 of 2 closed)" and after == looked_up()
