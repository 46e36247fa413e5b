"""Shares over forked workers: each share stays with its process from round to round, and no
item is lost when its function raises or its worker dies."""

from __future__ import annotations

import os

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
