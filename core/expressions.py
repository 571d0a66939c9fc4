"""Query expressions the apps share, written for PostgreSQL and for SQLite alike."""

import json

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BooleanField, F, Func, JSONField


class ListOf(ArraySubquery):
    """The values of a one-column subquery as a Python list, read with the row.

    PostgreSQL: `ARRAY(subquery)` (Django's ArraySubquery). SQLite — the embedded database of
    `make run` — has no arrays: `json_group_array` over the subquery gives a JSON text, read
    back as a list (JSON objects of the subquery stay objects).
    """

    def as_sqlite(self, compiler, connection, **extra_context):
        query = self.query
        [column] = [*query.values_select, *query.annotation_select]
        quoted = connection.ops.quote_name(column)
        value = f"json({quoted})" if isinstance(query.output_field, JSONField) else quoted
        template = f"(SELECT json_group_array({value}) FROM (%(subquery)s))"
        return self.as_sql(compiler, connection, template=template, **extra_context)

    def from_db_value(self, value, expression, connection):
        if connection.vendor == "sqlite" and isinstance(value, str):
            return json.loads(value)
        return value

    def get_db_converters(self, connection):
        if connection.vendor == "sqlite":
            return [self.from_db_value]
        return super().get_db_converters(connection)


class AmongValues(Func):
    """`column = ANY(ARRAY(subquery))`: true when the column's value is one the one-column
    subquery returns.

    Inside an OR, PostgreSQL filters `column IN (subquery)` row by row (a scan of the whole
    table), while `= ANY(ARRAY(...))` reads the subquery once and can use the column's index
    in a bitmap scan with the other branches. SQLite: `IN (SELECT value FROM json_each(...))`.
    """

    output_field = BooleanField()

    def __init__(self, column, queryset):
        super().__init__(F(column), ListOf(queryset))

    def as_sql(self, compiler, connection, **extra_context):
        column, values = self.source_expressions
        column_sql, column_params = compiler.compile(column)
        values_sql, values_params = compiler.compile(values)
        return f"{column_sql} = ANY({values_sql})", (*column_params, *values_params)

    def as_sqlite(self, compiler, connection, **extra_context):
        column, values = self.source_expressions
        column_sql, column_params = compiler.compile(column)
        values_sql, values_params = compiler.compile(values)
        sql = f"{column_sql} IN (SELECT value FROM json_each({values_sql}))"
        return sql, (*column_params, *values_params)
