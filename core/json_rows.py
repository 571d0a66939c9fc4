"""Model instances read as JSON objects with another row (one query instead of two or a
prefetch), and made models again.

`keys(fields, prefix)` gives the JSONObject's keys (each field's attname, behind `prefix`, the
lookups' path from the query's rows); `plan(fields, prefix)` how to read them back, and
`instance(model, plan, row, db)` the model, with those fields loaded (any other field deferred).
JSON gives integers and text exactly as the database holds them; other values (dates, times,
decimals) are converted by their field.
"""

_AS_READ = frozenset(
    (
        "IntegerField",
        "BigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "BigAutoField",
        "AutoField",
        "CharField",
        "TextField",
        "EmailField",
        "ForeignKey",
        "OneToOneField",
    )
)


def keys(fields, prefix=""):
    """{key: lookup} of the fields for a JSONObject (the key is the lookup)."""
    return {f"{prefix}{field.attname}": f"{prefix}{field.attname}" for field in fields}


def plan(fields, prefix=""):
    # Model.from_db takes a subset of the fields' values in the model's own order.
    fields = sorted(fields, key=lambda field: field.model._meta.concrete_fields.index(field))
    return (
        [field.attname for field in fields],
        [
            (prefix + field.attname, None if field.get_internal_type() in _AS_READ else field)
            for field in fields
        ],
    )


def instance(model, plan, row, db):
    names, read = plan
    values = []
    for key, field in read:
        value = row[key]
        values.append(value if field is None or value is None else field.to_python(value))
    return model.from_db(db, names, values)
