"""Reader queries written out as SQL once per process, then run with each request's values.

Django builds and compiles a queryset to SQL on every evaluation. For the few queries every reader
page runs that costs several times what the database takes to answer them: the site and the
sections on every page, a story and its credits, a list. A function decorated with `@prepared`
builds its queryset once per shape; later calls run the same SQL with their own values through
Django's own row handling (select_related, annotations, prefetching, fetch modes).

    @prepared
    def story_rows(slug: str, *, section_path: str) -> QuerySet[ArticlePage]:
        return ArticlePage.objects.filter(below(section_path), slug=slug)

Positional arguments are values (int, str or an aware datetime) sent as query parameters; keyword
arguments shape the query (a slice, a path matched by prefix) and each shape is compiled of its
own. Only the SQL text is kept, never a row: every call reads the database.

A queryset comes back ready to iterate, and nothing else: it cannot be filtered, sliced, counted
or asked whether it exists (the build function does that), so no query runs with a stand-in value.
A function whose SQL depends on a value in any other way than as a parameter equal to it (a LIKE
pattern made from it) is found out when first compiled, logged, and built afresh on every call as
Django would. A list of values is passed as values of their own (`stories_by_id(*ids)`): each
count of them is a shape.
"""

import copy
import functools
import logging
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.signals import setting_changed
from django.db import connections
from django.db.models import QuerySet

logger = logging.getLogger("broadsheet.core")

# Stand-ins for the values while the SQL is written, two sets to tell a parameter from a
# constant. Within a 32-bit integer, which an integer column on PostgreSQL accepts.
INT_MARKERS = (1_900_000_000, 1_800_000_000)
STR_MARKERS = ("\x1fprepared-a-{}\x1f", "\x1fprepared-b-{}\x1f")
DATETIME_MARKERS = (
    datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC),
    datetime(1902, 3, 4, 5, 6, 7, tzinfo=UTC),
)
VALUE_TYPES = (int, str, datetime)
# Shapes kept per function, beyond which its plans start afresh (a slice per page of a list).
MAX_PLANS = 256
# What iterating a queryset reads of its Query (django.db.models.query's iterable classes).
READ_BY_ITERATION = frozenset({"model", "extra_select", "values_select", "annotation_select"})

registries: list[dict] = []


@dataclass(frozen=True, eq=False)
class Plan:
    build: Callable[..., QuerySet]
    shape: dict
    template: QuerySet
    compiler: Any
    sql: str
    params: tuple
    # (parameter position, index of the value that goes there, whether it is a datetime the
    # database adapts, as it adapted the stand-in)
    slots: tuple[tuple[int, int, bool, type | None], ...]
    # How each column is read back, per connection (one per thread): Django works it out again
    # on every query, column by column.
    converters: weakref.WeakKeyDictionary = field(default_factory=weakref.WeakKeyDictionary)


def prepared(build: Callable[..., QuerySet]) -> Callable[..., QuerySet]:
    plans: dict = {}
    registries.append(plans)

    @functools.wraps(build)
    def run(*values, **shape) -> QuerySet:
        types = tuple(map(type, values))
        for kind, value in zip(types, values, strict=True):
            if kind not in VALUE_TYPES or kind is datetime and value.tzinfo is None:
                raise TypeError(f"A prepared query takes int, str or aware datetime, not {value!r}")
        key = (types, tuple(sorted(shape.items())))
        plan = plans.get(key, False)
        if plan is False:
            if len(plans) >= MAX_PLANS:
                plans.clear()
            plan = plans[key] = make_plan(build, shape, types)
        if plan is None:
            return build(*values, **shape)
        return plan_queryset(plan, values)

    run.plans = plans
    return run


def markers(types: tuple[type, ...], which: int) -> list:
    found = []
    for index, kind in enumerate(types):
        if kind is int:
            found.append(INT_MARKERS[which] + index)
        elif kind is str:
            found.append(STR_MARKERS[which].format(index))
        else:
            found.append(DATETIME_MARKERS[which].replace(microsecond=index))
    return found


def same_kind(param, stand_in) -> bool:
    """Whether a compiled parameter is the stand-in itself, as the database driver sends it."""
    if type(param) is type(stand_in):
        return True
    return type(stand_in) is int and isinstance(param, int) and not isinstance(param, bool)


def make_plan(build, shape: dict, types: tuple[type, ...]) -> Plan | None:
    compiled = []
    for which in (0, 1):
        stand_ins = markers(types, which)
        queryset = build(*stand_ins, **shape)
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            sql, params = "", ()
        adapt = compiler.connection.ops.adapt_datetimefield_value
        sent = [adapt(value) if type(value) is datetime else value for value in stand_ins]
        compiled.append((queryset, compiler, sql, tuple(params), sent))
    (template, compiler, sql, params, stand_ins), (_, _, other_sql, other_params, others) = compiled
    slots = []
    preparable = bool(sql) and sql == other_sql and len(params) == len(other_params)
    for position, (param, other) in enumerate(zip(params, other_params, strict=False)):
        if not preparable:
            break
        if param == other and type(param) is type(other):
            continue
        index = next(
            (
                index
                for index in range(len(types))
                if same_kind(param, stand_ins[index])
                and param == stand_ins[index]
                and other == others[index]
            ),
            None,
        )
        if index is None:
            preparable = False
        else:
            # PostgreSQL's backend sends some integers typed (psycopg's Int4): so do the values.
            wrap = type(param) if type(param) is not type(stand_ins[index]) else None
            slots.append((position, index, types[index] is datetime, wrap))
    if not sql and not other_sql:
        return None  # matches nothing whatever the values (e.g. a section without stories)
    if not preparable:
        logger.warning("%s is built afresh on every call: its SQL depends on its values", build)
        return None
    return Plan(
        build=build,
        shape=shape,
        template=template,
        compiler=compiler,
        sql=sql,
        params=params,
        slots=tuple(slots),
    )


def plan_queryset(plan: Plan, values: tuple) -> QuerySet:
    params = list(plan.params)
    template = plan.template
    for position, index, adapted, wrap in plan.slots:
        value = values[index]
        if adapted:
            value = connections[template.db].ops.adapt_datetimefield_value(value)
        params[position] = value if wrap is None else wrap(value)
    queryset = template.__class__.__new__(template.__class__)
    # A plain copy of the never-evaluated template (copy.copy would evaluate it, as pickling does).
    queryset.__dict__.update(template.__dict__)
    queryset._query = PreparedQuery(plan, values, tuple(params))
    return queryset


class PreparedQuery:
    """Stands in for a queryset's Query: gives out compilers whose SQL is already written."""

    __slots__ = ("_plan", "_query", "_values", "_params")

    def __init__(self, plan: Plan, values: tuple, params: tuple):
        self._plan = plan
        self._query = plan.template.query
        self._values = values
        self._params = params

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        plan = self._plan
        # This thread's connection: the plan may have been compiled in another.
        connection = connection or connections[using]
        if connection.vendor != plan.compiler.connection.vendor:
            # Routed to another kind of database than the SQL was written for: build it anew.
            built = plan.build(*self._values, **plan.shape)
            return built.query.get_compiler(connection=connection, elide_empty=elide_empty)
        compiler = copy.copy(plan.compiler)
        compiler.connection = connection
        sql, params = plan.sql, self._params
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        converters = plan.converters.get(connection)
        if converters is None:
            converters = plan.converters[connection] = {}
        compiler.get_converters = functools.partial(kept_converters, compiler, converters)
        return compiler

    def __getattr__(self, name):
        if name in READ_BY_ITERATION:
            return getattr(self._query, name)
        raise TypeError(f"A prepared queryset is only iterated; build it with what {name} does")


@dataclass(frozen=True)
class Listing:
    """A list read a slice at a time through prepared queries, for core.pagination.paginate."""

    page: Callable[..., QuerySet]
    head: Callable[..., QuerySet]
    values: tuple
    shape: dict = field(default_factory=dict)
    # Known to be longer than a pager counts (core.pagination.COUNTED_PAGES).
    uncounted: bool = False

    def rows(self, start: int, stop: int) -> list:
        return list(self.page(*self.values, start=start, stop=stop, **self.shape))

    def count_upto(self, limit: int) -> int:
        """How many items the list has, counting no further than `limit`."""
        return len(list(self.head(*self.values, limit=limit, **self.shape)))


def prepared_list(build: Callable[..., QuerySet]) -> Callable[..., Listing]:
    """`build(*values, **shape)`, a list of stories, read in slices: returns a Listing maker."""

    @prepared
    @functools.wraps(build)
    def page(*values, start: int, stop: int, **shape) -> QuerySet:
        return build(*values, **shape)[start:stop]

    @prepared
    @functools.wraps(build)
    def head(*values, limit: int, **shape) -> QuerySet:
        return build(*values, **shape).order_by().values_list("pk", flat=True)[:limit]

    def listing(*values, uncounted: bool = False, **shape) -> Listing:
        return Listing(page, head, values, shape, uncounted)

    return listing


def kept_converters(compiler, kept: dict, expressions) -> dict:
    """compiler.get_converters(expressions), worked out once per plan, columns and connection."""
    key = tuple(map(id, expressions))
    converters = kept.get(key)
    if converters is None:
        converters = kept[key] = type(compiler).get_converters(compiler, expressions)
    return converters


def forget_plans(**kwargs) -> None:
    """SQL is written for the settings of the moment (a test's database, time zone support)."""
    for plans in registries:
        plans.clear()


setting_changed.connect(forget_plans)
