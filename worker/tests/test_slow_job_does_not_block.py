"""``run_worker`` runs each job in its own thread: while a slow job (the nightly
early warning) runs, a quick one (the case timers) goes on completing its
passes. On SIGTERM each job finishes the pass it is in, and the command exits."""


def test_a_quick_job_completes_passes_while_a_slow_one_runs(supervised):
    # The slow job waits until the quick one has completed a pass that began
    # after it started; if the slow one held the quick one up, it would wait for
    # ever (its 60 s safety net would turn that into a TimeoutError).
    code, result, err = supervised(
        "slow_and_quick", "run_worker", "--only", "quick,slow", "--interval", "0.01"
    )

    assert code == 0, err
    assert result["found"] == {"quick_succeeded_while_slow_ran": True}
    # It sent SIGTERM from inside its pass: that pass was finished and recorded.
    assert result["health"]["slow"] == {"failures": 0, "error": "", "succeeded": True}
    assert result["health"]["quick"]["succeeded"]
    assert "正在停止" in err
