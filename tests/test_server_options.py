"""`dyads serve --max-queries`: the number of scan slots reaches the server's limits and its gate."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from dyads.cli import app as cli
from dyads.errors import ServerError
from dyads.io.store import Store
from dyads.server import listen
from dyads.server.limits import ServerLimits


@pytest.mark.parametrize("given", [None, 2])
def test_max_queries_reaches_the_served_limits(given: int | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.duckdb"
    Store.open(path).close()
    served: list = []
    monkeypatch.setattr(listen, "serve_forever", lambda app, **options: served.append(app.state.dyads))
    args = ["serve", "--db", str(path)] + ([] if given is None else ["--max-queries", str(given)])
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    (state,) = served
    expected = ServerLimits().max_concurrent_queries if given is None else given
    assert state.limits.max_concurrent_queries == expected
    for _ in range(expected):  # the gate holds exactly that many slots
        state.gate.enter()
    with pytest.raises(ServerError) as busy:
        state.gate.enter()
    assert busy.value.code == "E625"
    assert state.limits.max_concurrent_lookups == ServerLimits().max_concurrent_lookups  # lookups keep theirs


def test_max_queries_below_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    Store.open(path).close()
    result = CliRunner().invoke(cli, ["serve", "--db", str(path), "--max-queries", "0"])
    assert result.exit_code != 0 and "max-queries" in result.output
