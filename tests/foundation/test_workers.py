"""Work over forked workers: each process keeps what it did from round to round, an idle one
helps the others, and no item is lost when its function raises or its worker dies."""

from __future__ import annotations

import os
import time

from linter.workers import MIN_ITEMS_FOR_WORKERS, Failed, Shares, default_jobs, jobs_for

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


def test_each_process_keeps_what_it_did_for_the_next_round() -> None:
    _remembered.clear()
    lists = [[1, 2], [3], [4, 5]]
    with Shares(3) as shares:
        pids, doers = shares.run_balanced(_remember, [None] * 3, lists, chunk=1)
        assert len({p for found in pids for p in found}) <= 3
        held: dict[int, list[int]] = {0: [], 1: [], 2: []}
        for items, did in zip(lists, doers, strict=True):
            for item, k in zip(items, did, strict=True):
                held[k].append(item)
        # round two: each process still holds exactly the items it did in round one
        recalled, did_two = shares.run_balanced(_recall, [None] * 3, [[0], [0], [0]], chunk=1)
        for found, (k,) in zip(recalled, did_two, strict=True):
            assert sorted(found[0]) == sorted(held[k])


def test_an_item_that_raises_comes_back_failed_and_the_others_go_on() -> None:
    with Shares(2) as shares:
        results, _ = shares.run_balanced(_fail_on_three, [10, 10], [[1, 3], [2, 3, 4]], 1)
    assert results == [[10, Failed("ValueError")], [20, Failed("ValueError"), 40]]


def test_one_job_forks_nothing() -> None:
    _remembered.clear()
    with Shares(1) as shares:
        results, doers = shares.run_balanced(_remember, [None], [[1, 2]], chunk=1)
    assert results == [[os.getpid()] * 2] and doers == [[0, 0]]


def test_jobs_come_from_the_environment_else_the_cpus() -> None:
    assert default_jobs({"CERTFIT_JOBS": "3"}) == 3
    assert 1 <= default_jobs({}) <= 4
    assert 1 <= default_jobs({"CERTFIT_JOBS": "0"}) <= 4
    assert jobs_for(MIN_ITEMS_FOR_WORKERS - 1, {"CERTFIT_JOBS": "3"}) == 1
    assert jobs_for(MIN_ITEMS_FOR_WORKERS, {"CERTFIT_JOBS": "3"}) == 3
    assert jobs_for(MIN_ITEMS_FOR_WORKERS, {}, requested=2) == 2


def _common(common: str, _item: int) -> str:
    return common


def test_each_process_has_a_common_value_of_its_own() -> None:
    with Shares(2) as shares:
        results, doers = shares.run_balanced(_common, ["a", "b"], [[1, 2], [3]], chunk=1)
    for found, did in zip(results, doers, strict=True):
        assert found == ["ab"[k] for k in did]  # an item gets the common of who did it


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
