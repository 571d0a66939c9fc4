"""Querysets built and compiled once per process, then run with new values.

Django builds a queryset (filter, annotate: the Query tree) and compiles it to SQL on every
request; for the large fixed-shape queries of the dashboard that work costs more than
PostgreSQL spends running them (docs/benchmarks.md). A function decorated with `@compiled`
returns a queryset from keyword arguments only; the first call of each *shape* builds it with a
mark in place of every value, compiles it, and remembers where each mark landed among the SQL's
parameters; every later call of that shape runs the same SQL with its own values in those
places, through Django's own iterables (model instances, select_related, prefetch_related,
values()).

A keyword's value is an int, a str, a date, a datetime, None, a list/tuple/set of those, or an
object with a `compiled_marks(marker)` method that returns (its shape, a stand-in built from
`marker.mark(value)` marks) and a `real()` method (clusters.access.Roles: a user's roles).
The shape of a call is which values are None, the length of each list and which values are
equal (`IN (%s, %s)` with two values is not the SQL of one). The function must depend on
nothing but its keywords — never on the clock (pass the day in). With `CHECK` on (the test
suite turns it on), every call also builds and compiles the queryset afresh and fails unless
both give the same SQL and the same parameters, so a function that reads anything else is
caught by the tests of its page.

A call returns a list: the result can no longer be filtered (that would be another query).
"""

import copy
import datetime
import functools
from collections import Counter, OrderedDict

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections

CHECK = False  # tests/conftest.py: compare every call with a fresh compilation
# Databases whose compiled parameters are the values as given. SQLite (the embedded default of
# `make run`) writes dates and times as text while compiling, where no mark can be found: there
# the queryset is built and compiled on every call, as Django does.
COMPILED_VENDORS = {"postgresql"}
SHAPES_PER_FUNCTION = 64  # at most this many shapes kept per function (the oldest dropped)

# Marks must be values of the same range as the value they stand for: Django compiles a lookup
# with an integer out of its field's range (a year's small integer, a key past 64 bits) as
# "matches nothing". So an integer's range (16, 32, 64 bits or more) is part of the shape, and
# its mark is counted down from the top of that range (32766, 32765, ... for most); no constant
# of the code's queries is one of them (CHECK would see it).
_INT_RANGES = ((2**15 - 1, "int16"), (2**31 - 1, "int32"), (2**63 - 1, "int64"))
_STR_MARK = "\x1ecompiled-mark-{}\x1e"
_DATE_MARK = datetime.date(1, 1, 1)
_DATETIME_MARK = datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)
_EMPTY = object()  # the shape's query matches nothing (e.g. `IN ()`): Django's EmptyResultSet


class Marker:
    """Gives each distinct value of one keyword of a call a mark of its type, in the order
    asked (the same value twice in one keyword, e.g. a unit among two role sets, one mark)."""

    def __init__(self):
        self.values = []  # the real value of each mark, by its number
        self.marks = []  # the marks, by number
        self.sequence = []  # (number, type) of each mark asked for: part of the shape
        self._numbers = {}
        self.space = None  # equal values share a mark within one keyword only

    def mark(self, value):
        if isinstance(value, bool) or value is None:
            raise TypeError("booleans and None change the SQL: make them part of the shape")
        key = (self.space, type(value), value)
        number = self._numbers.get(key)
        if number is None:
            number = self._numbers[key] = len(self.values)
            self.values.append(value)
            self.marks.append(_mark_of(value, number + 1))
        self.sequence.append((number, _kind_of(value)))
        return self.marks[number]

    def value(self, value):
        """(shape of the value, what the function is built with)."""
        if value is None:
            return None, None
        if hasattr(value, "compiled_marks"):
            return value.compiled_marks(self)
        if isinstance(value, (list, tuple, set, frozenset)):
            items = list(dict.fromkeys(value))  # Django's IN drops repeated values
            return len(items), [self.mark(item) for item in items]
        return type(value).__name__, self.mark(value)


def _int_range(value):
    for top, name in _INT_RANGES:
        if -top <= value <= top:
            return top, name
    return 2**64, "bigger"


def _kind_of(value):
    return _int_range(value)[1] if isinstance(value, int) else type(value).__name__


def _mark_of(value, n):
    if isinstance(value, int):
        return _int_range(value)[0] - n
    if isinstance(value, str):
        return _STR_MARK.format(n)
    if isinstance(value, datetime.datetime):
        return _DATETIME_MARK + datetime.timedelta(seconds=n)
    if isinstance(value, datetime.date):
        return _DATE_MARK + datetime.timedelta(days=n)
    raise TypeError(f"cannot mark a {type(value).__name__}")


def _marked(values):
    """(the call's shape, the keywords as the function is built with, the Marker)."""
    marker = Marker()
    shape, marked = [], {}
    for name in sorted(values):
        marker.space = name
        part, marked[name] = marker.value(values[name])
        shape.append((name, part))
    return (tuple(shape), tuple(marker.sequence)), marked, marker


class _Compiled:
    """One shape: its SQL, its parameters with the marks' places, and its compiler."""

    def __init__(self, queryset, alias, marker):
        self.queryset = queryset
        compiler = queryset.query.get_compiler(using=alias)
        try:
            self.sql, params = compiler.as_sql()
        except EmptyResultSet:
            self.sql = _EMPTY
            return
        self.compiler = compiler
        self.params = list(params)
        numbers = {mark: number for number, mark in enumerate(marker.marks)}
        # Each parameter that is a mark: its place, the mark's number, and the psycopg wrapper
        # around it if any (Int2 for a small integer field, with server-side binding), kept
        # around the value. A value not found among the parameters is unused, or used changed
        # (as by icontains): CHECK finds the second case.
        self.slots = [
            (i, numbers[p], type(p) if type(p) is not type(marker.values[numbers[p]]) else None)
            for i, p in enumerate(self.params)
            if _hashable(p) in numbers
        ]

    def params_for(self, marker):
        params = list(self.params)
        for i, number, wrapper in self.slots:
            value = marker.values[number]
            params[i] = value if wrapper is None else wrapper(value)
        return params

    def run(self, alias, marker):
        if self.sql is _EMPTY:
            return []
        sql, params = self.sql, self.params_for(marker)
        compiler = copy.copy(self.compiler)
        compiler.connection = connections[alias]  # connections are per thread
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        queryset = self.queryset._chain()
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset)


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return None
    return value


def compiled(build):
    """Decorate `build(**values) -> QuerySet`; calling it returns the queryset's results as a
    list, the SQL compiled once per shape and database (see the module's docstring)."""
    shapes = OrderedDict()

    @functools.wraps(build)
    def run(*, using=DEFAULT_DB_ALIAS, **values):
        if connections[using].vendor not in COMPILED_VENDORS:
            return list(build(**{name: _real(v) for name, v in values.items()}).using(using))
        shape, marked, marker = _marked(values)
        key = (using, shape)
        entry = shapes.get(key)
        if entry is None:
            entry = _Compiled(build(**marked).using(using), using, marker)
            shapes[key] = entry
            if len(shapes) > SHAPES_PER_FUNCTION:
                shapes.popitem(last=False)
        if CHECK:
            _check(build, entry, using, values, marker)
        return entry.run(using, marker)

    run.shapes = shapes
    return run


def _real(value):
    return value.real() if hasattr(value, "compiled_marks") else value


def _check(build, entry, alias, values, marker):
    """The fresh compilation of `build(**values)` gives the remembered SQL and parameters (the
    parameters compared as a multiset: the items of a set may come in another order)."""
    queryset = build(**{name: _real(value) for name, value in values.items()}).using(alias)
    try:
        sql, params = queryset.query.get_compiler(using=alias).as_sql()
    except EmptyResultSet:
        sql, params = _EMPTY, ()
    remembered = () if entry.sql is _EMPTY else entry.params_for(marker)
    if sql != entry.sql or Counter(map(repr, params)) != Counter(map(repr, remembered)):
        raise AssertionError(
            f"{build.__qualname__}: the compiled query differs from the one built now"
            f"\n  compiled: {entry.sql} {remembered}\n  built now: {sql} {params}"
        )
