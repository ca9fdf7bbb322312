"""A driver object belongs to one thread: the one that first used it (its role's worker).

A serial exchange split between two threads interleaves two commands on one wire, so every
public method of a driver that holds a connection checks at its entry that it runs on its
owner's thread. A violation raises WrongThread and is also recorded, so the test suite fails
on it even when the exception lands in a callback that logs and carries on.
"""
from __future__ import annotations

import functools
import threading

violations: list[str] = []          # read (and cleared) by the test suite after each test


class WrongThread(AssertionError):
    """A driver was called from a thread that does not own it: a bug in the caller."""


def one_thread(method):
    @functools.wraps(method)
    def checked(self, *args, **kwargs):
        me = threading.get_ident()
        owner = self.__dict__.setdefault("_owner_thread", (me, threading.current_thread().name))
        if owner[0] != me:
            what = (f"{type(self).__name__}.{method.__name__} called on thread "
                    f"{threading.current_thread().name!r}; it belongs to {owner[1]!r}")
            violations.append(what)
            raise WrongThread(what)
        return method(self, *args, **kwargs)
    return checked
