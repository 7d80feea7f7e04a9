"""Listen with uvicorn, its log lines written by a thread of their own, not by the event loop.

uvicorn writes an access line per request with a plain ``StreamHandler``: a blocking write (and
flush) on the event loop's thread, during which no other request moves. In the load test
(bench/load_test.py) those writes were about a tenth of the loop's time. :func:`logs_off_the_loop`
moves the handlers uvicorn configured behind a queue: the loop only enqueues the record, and a
listener thread per logger formats and writes it, in order.
"""

from __future__ import annotations

import gc
import logging
import queue
from collections.abc import Iterator
from contextlib import contextmanager
from logging.handlers import QueueHandler, QueueListener
from typing import Any

UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


class _RecordQueueHandler(QueueHandler):
    """Enqueues the record as it is: the listener's handlers format it (uvicorn's access
    formatter reads the record's arguments, which ``QueueHandler.prepare`` would drop)."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        return record


@contextmanager
def logs_off_the_loop(names: tuple[str, ...] = UVICORN_LOGGERS) -> Iterator[None]:
    """While the block runs, each named logger's handlers write from a listener thread; restored after."""
    moved: list[tuple[logging.Logger, list[logging.Handler], QueueListener]] = []
    try:
        for name in names:
            logger = logging.getLogger(name)
            if not logger.handlers:
                continue
            records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
            listener = QueueListener(records, *logger.handlers, respect_handler_level=True)
            moved.append((logger, logger.handlers[:], listener))
            logger.handlers = [_RecordQueueHandler(records)]
            listener.start()
        yield
    finally:
        for logger, handlers, listener in moved:
            logger.handlers = handlers
            listener.stop()  # writes what is still queued


def serve_forever(app: Any, *, host: str, port: int) -> None:
    """Serve ``app`` until Ctrl-C or SIGTERM, one process, access lines written off the loop.
    When it cannot start (the port is taken) uvicorn logs why and exits with status 3."""
    import uvicorn

    # Keep-alive of 20 s: a busy server must not close a connection whose next request has arrived.
    config = uvicorn.Config(app, host=host, port=port, workers=1, server_header=False, log_level="info", timeout_keep_alive=20)
    server = uvicorn.Server(config)
    gc.collect()
    gc.freeze()  # the loaded app, store and caches: never walked by the cycle collector again
    with logs_off_the_loop():  # uvicorn.Config has set up its handlers by now
        try:
            server.run()
        except KeyboardInterrupt:  # uvicorn raises the captured Ctrl-C again once it has shut down
            pass
