"""A posted HTML form read into the same typed schema an API endpoint takes, so a page and
the API accept and refuse the same input with the same messages (`core.errors`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, get_origin

from django.http import QueryDict
from pydantic import BaseModel
from pydantic import ValidationError as SchemaInvalid

from tongban.core.errors import ValidationError, schema_fields

S = TypeVar("S", bound=BaseModel)


def form_values(schema: type[BaseModel], post: QueryDict) -> dict[str, Any]:
    """The schema's fields from a form: a checkbox is there or not, a list is every value
    posted under its name, anything else is taken when posted."""
    values: dict[str, Any] = {}
    for name, field in schema.model_fields.items():
        if field.annotation is bool:
            values[name] = bool(post.get(name))
        elif get_origin(field.annotation) is list:
            values[name] = post.getlist(name)
        elif name in post:
            values[name] = post.get(name)
    return values


def posted(schema: type[S], data: QueryDict | Mapping[str, Any]) -> S:
    """`data` (a posted form, or values already gathered) validated by `schema`; refused
    naming each field, in Chinese."""
    values = form_values(schema, data) if isinstance(data, QueryDict) else dict(data)
    try:
        return schema.model_validate(values)
    except SchemaInvalid as exc:
        raise ValidationError(schema_fields(exc.errors())) from exc
