"""Errors keep their code, message and fix when pickled (worker processes, Dask tasks)."""

from __future__ import annotations

import pickle

import pytest

from dyads import errors
from dyads.cluster import ClusterError
from dyads.merge.options import MergeError

ERROR_CLASSES = [
    cls for cls in vars(errors).values() if isinstance(cls, type) and issubclass(cls, errors.DyadsError)
] + [ClusterError, MergeError]


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
def test_errors_survive_pickling(cls: type[errors.DyadsError]) -> None:
    error = cls("E999", "something went wrong in file.jsonl:3", fix="remove line 3")
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is cls
    assert (again.code, again.message, again.fix, str(again)) == (error.code, error.message, error.fix, str(error))
    bare = pickle.loads(pickle.dumps(cls("E998", "no fix")))
    assert bare.fix is None and str(bare) == "[E998] no fix"
