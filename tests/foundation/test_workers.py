"""Shares over forked workers: each share stays with its process from round to round, and no
item is lost when its function raises or its worker dies."""

from __future__ import annotations

import os
import time

from linter.workers import Failed, Shares, default_jobs

_remembered: list[int] = []


def _remember(_common: None, item: int) -> int:
    _remembered.append(item)
    return os.getpid()


def _recall(_common: None, _item: int) -> list[int]:
    return list(_remembered)


def _fail_on_three(common: int, item: int) -> int:
    if item == 3:
        raise ValueError("three")
    return item * common


def _die_in_a_worker(parent: int, item: int) -> int:
    if os.getpid() != parent:
        os._exit(3)  # as if killed: no result is ever sent
    return item + 1


def test_each_share_stays_with_its_process_across_rounds() -> None:
    _remembered.clear()
    with Shares(3) as shares:
        pids = shares.run(_remember, None, [[1, 2], [3], [4, 5]])
        assert pids[0] == [os.getpid()] * 2
        assert len({p for share in pids for p in share}) == 3
        # round two: each process still holds what it was given in round one
        assert shares.run(_recall, None, [[0], [0], [0]]) == [[[1, 2]], [[3]], [[4, 5]]]


def test_an_item_that_raises_comes_back_failed_and_the_others_go_on() -> None:
    with Shares(2) as shares:
        results = shares.run(_fail_on_three, 10, [[1, 3], [2, 3, 4]])
    assert results == [[10, Failed("ValueError")], [20, Failed("ValueError"), 40]]


def test_a_share_whose_worker_dies_is_done_by_the_calling_process() -> None:
    with Shares(2) as shares:
        results = shares.run(_die_in_a_worker, os.getpid(), [[1], [2, 3]])
        assert results == [[2], [3, 4]]
        again = shares.run(_die_in_a_worker, os.getpid(), [[5], [6]])  # the worker is gone
    assert again == [[6], [7]]


def test_one_job_forks_nothing() -> None:
    _remembered.clear()
    with Shares(1) as shares:
        assert shares.run(_remember, None, [[1, 2]]) == [[os.getpid()] * 2]


def test_jobs_come_from_the_environment_else_the_cpus() -> None:
    assert default_jobs({"CERTFIT_JOBS": "3"}) == 3
    assert 1 <= default_jobs({}) <= 4
    assert 1 <= default_jobs({"CERTFIT_JOBS": "0"}) <= 4


def _common(common: str, _item: int) -> str:
    return common


def test_each_share_may_have_a_common_value_of_its_own() -> None:
    with Shares(2) as shares:
        assert shares.run_each(_common, ["a", "b"], [[1, 2], [3]]) == [["a", "a"], ["b"]]


def _slow_in_workers(parent: int, item: int) -> int:
    if os.getpid() != parent:
        time.sleep(0.05)  # a busy core: the calling process should take over its items
    return item * 2


def test_a_balanced_round_does_every_item_once_and_an_idle_process_helps() -> None:
    parent = os.getpid()
    lists = [list(range(0, 10)), list(range(100, 140))]
    with Shares(2) as shares:
        results, doers = shares.run_balanced(_slow_in_workers, [parent, parent], lists, chunk=2)
    assert results == [[i * 2 for i in lst] for lst in lists]
    # the worker is slow: the calling process did its own list and most of the worker's
    assert doers[0] == [0] * 10
    assert doers[1].count(0) > 20 and doers[1].count(1) >= 1


def test_a_balanced_round_survives_a_worker_that_dies() -> None:
    with Shares(2) as shares:
        results, doers = shares.run_balanced(
            _die_in_a_worker, [os.getpid()] * 2, [[1, 2, 3], [4, 5, 6, 7]], chunk=1
        )
        assert results == [[2, 3, 4], [5, 6, 7, 8]]
        assert doers == [[0, 0, 0], [0, 0, 0, 0]]
        # and the next round goes on without it
        again, _ = shares.run_balanced(_common, ["x", "y"], [[1], [2]], chunk=1)
    assert again == [["x"], ["x"]]


def test_one_process_does_a_balanced_round_in_order() -> None:
    with Shares(1) as shares:
        results, doers = shares.run_balanced(_common, ["a"], [[1, 2, 3]], chunk=2)
    assert results == [["a", "a", "a"]] and doers == [[0, 0, 0]]
