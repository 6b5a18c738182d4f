"""Textual's Linux driver, with a lone Escape delivered when its wait ends.

A terminal sends Escape alone for the key and as the first byte of other
keys' sequences, so an Escape becomes a key once ESCDELAY passes with
nothing after it. Textual's input thread checks that only when it wakes,
and with no input it wakes every 100 ms: Escape (which clears the filter
and closes dialogs) arrived 100-125 ms after it was pressed. Here the thread
wakes when the wait ends. The loop is Textual's own (textual 8.2,
``LinuxDriver.run_input_thread``), changed only in its timeout.
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder

from textual._loop import loop_last
from textual._parser import ParseError
from textual._time import get_time
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

IDLE_WAKE = 0.1  # seconds between the input thread's checks with no input (Textual's)


class QuickEscapeDriver(LinuxDriver):
    def run_input_thread(self) -> None:
        """Wait for input and dispatch events."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        fileno = self.fileno
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode

        def process(events: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> None:
            for last, (_key, mask) in loop_last(events):
                if mask & selectors.EVENT_READ:
                    data = decode(os.read(fileno, 1024 * 4), final=final and last)
                    if not data:  # standard input is a pipe
                        break
                    for event in parser.feed(data):
                        self.process_message(event)
            for event in parser.tick():
                self.process_message(event)

        def timeout() -> float:
            """Until the parser's wait for the rest of a sequence ends, if it waits."""
            waits_until = parser._timeout_time  # noqa: SLF001 - the one change
            if waits_until is None:
                return IDLE_WAKE
            return min(IDLE_WAKE, max(0.0, waits_until - get_time()))

        try:
            while not self.exit_event.is_set():
                process(selector.select(timeout()))
            selector.unregister(self.fileno)
            process(selector.select(IDLE_WAKE), final=True)
        finally:
            selector.close()
            try:
                for _event in parser.feed(""):
                    pass
            except (EOFError, ParseError):
                pass
