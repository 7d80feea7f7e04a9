"""The server's log lines leave the event loop: written by a listener thread, in order, none lost."""

from __future__ import annotations

import io
import logging
import threading

from uvicorn.logging import AccessFormatter

from dyads.server.listen import logs_off_the_loop


def test_access_lines_are_written_by_another_thread_in_order() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False))
    logger = logging.getLogger("dyads-test.access")
    logger.handlers, logger.propagate, logger.level = [handler], False, logging.INFO
    writers: set[str] = set()
    original_emit = handler.emit

    def emit(record: logging.LogRecord) -> None:
        writers.add(threading.current_thread().name)
        original_emit(record)

    handler.emit = emit  # type: ignore[method-assign]
    with logs_off_the_loop(("dyads-test.access", "dyads-test.no-handlers")):
        assert logger.handlers != [handler]  # the loop's side only enqueues
        for n in range(300):
            logger.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", f"/api/events/{n}", "1.1", 200)
    assert logger.handlers == [handler]  # restored
    lines = stream.getvalue().splitlines()
    assert lines == [f'127.0.0.1:5000 - "GET /api/events/{n} HTTP/1.1" 200 OK' for n in range(300)]  # formatted from the args
    assert threading.current_thread().name not in writers and writers
    assert not logging.getLogger("dyads-test.no-handlers").handlers


def test_the_loaded_server_is_frozen_out_of_the_cycle_collector(monkeypatch) -> None:
    """`dyads serve` freezes what is loaded before it serves (app, store, caches): the collector's
    full passes no longer walk it while requests wait (load test p99, docs/reliability.md)."""
    import gc

    import uvicorn

    from dyads.server.listen import serve_forever

    seen: list[int] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: seen.append(gc.get_freeze_count()))
    try:
        serve_forever(object(), host="127.0.0.1", port=0)
    finally:
        gc.unfreeze()
    assert seen and seen[0] > 0
