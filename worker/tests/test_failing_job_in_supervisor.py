"""Under ``run_worker``'s threads, as in a pass, a job that raises (here a plain
RuntimeError, not a database error) is logged with its traceback and recorded
as failing; the other jobs go on."""


def test_a_job_that_raises_is_logged_and_recorded_while_the_others_go_on(supervised):
    code, result, err = supervised("failing", "run_worker", "--only", "broken,quick", "--interval", "0.01")

    assert code == 0, err
    broken = result["health"]["broken"]
    assert broken == {"failures": 1, "error": "RuntimeError: the printer is on fire", "succeeded": False}
    assert "Traceback" in err and "job broken failed" in err  # the log
    assert "broken：失败 — RuntimeError: the printer is on fire" in err  # the command's report
    # The quick job went on: it completed passes after the failure was recorded.
    assert result["found"]["quick_passes_after_the_failure"] == 2
    assert result["health"]["quick"] == {"failures": 0, "error": "", "succeeded": True}
