"""Two jobs writing to one SQLite file at the same moment, each in its own
thread of ``run_worker``: the settings' WAL, ``BEGIN IMMEDIATE`` and busy
timeout make them wait for each other instead of failing with "database is
locked" (a read then a write in a deferred transaction would fail so)."""


def test_two_jobs_write_at_once_without_database_is_locked(supervised):
    code, result, err = supervised(
        "writers", "run_worker", "--only", "writer_a,writer_b", "--interval", "0.01"
    )

    assert code == 0, err
    assert "locked" not in err
    assert result["found"] == {"rows": 200}
    for name in ("writer_a", "writer_b"):
        assert result["health"][name] == {"failures": 0, "error": "", "succeeded": True}
