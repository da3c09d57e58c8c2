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
