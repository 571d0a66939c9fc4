"""Edge values pushed through every form of every app, through its views: never a server error.

Every form class of the apps' form modules is found by module; each is tied to the views that
use it (their source names the class, or a helper of the views module that does). Each such
view is then posted, as a user who may use it, the form's fields (and whatever fields its page
shows) filled with hostile values: huge and negative numbers, NaN and infinities, empty, very
long and whitespace-only strings, combining marks, NUL bytes, bad dates, injection text.
Hypothesis draws the combinations; any answer of 500 or more fails.
"""

import importlib
import inspect
import re

import pytest
from django import forms
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.trust import test_permission_matrix as matrix
from tests.trust.support import client_as, savepoint

pytestmark = pytest.mark.django_db

FORM_MODULES = [
    "clusters.forms",
    "clusters.accounts.forms",
    "agreements.forms",
    "agreements.signing.forms",
    "results.forms",
    "awards.forms",
    "core.otp",
]
EDGES = [
    "",
    " ",
    "0",
    "-1",
    "-0",
    "9" * 400,
    "-" + "9" * 40,
    "1e309",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "1,5",
    "0x1F",
    "2020-02-30",
    "99999-12-31T25:61",
    "\x00",
    "a\x00b",
    "e\u0301\u0302\u0303" * 50,
    "\u202e\u200b\ufeff",
    "𝟘𝟙𝟚",
    "x" * 10_000,
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "on",
    "True",
]
edge = st.sampled_from(EDGES) | st.text(max_size=30)
# Every field of every form gets each of these in turn; Hypothesis mixes all the EDGES.
WORST = ["", "9" * 400, "NaN", "1e309", "-1", "a\x00b", "e\u0301\u0302" * 50, "x" * 10_000]

# Who tries each URL: the first role in this order that the permission table lets post.
TRYING_ROLES = ["canbo.dongda", "badinh", "canbo.badinh", "bantt", "admin", "ngoai", "anon"]


def form_classes():
    found = {}
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module_name
                and value.base_fields
            ):
                found[f"{module_name}.{name}"] = value
    return found


def _views_module_helpers(module):
    """{helper function name: its source} of a views module."""
    return {
        name: inspect.getsource(value)
        for name, value in vars(module).items()
        if inspect.isfunction(value) and value.__module__ == module.__name__
    }


def url_views():
    """{url name: (view source with the helpers it calls, view module)}."""
    from django.urls import get_resolver

    views = {}
    for name, namespace, entry in matrix.url_patterns(get_resolver().url_patterns):
        if namespace == "admin" or name is None:
            continue
        callback = inspect.unwrap(entry.callback)
        view_class = getattr(entry.callback, "view_class", None)
        target = view_class or callback
        module = inspect.getmodule(target)
        try:
            source = inspect.getsource(target)
        except (OSError, TypeError):
            continue
        helpers = _views_module_helpers(module) if module else {}
        for helper, helper_source in helpers.items():
            if re.search(rf"\b{helper}\(", source):
                source += helper_source
        views[name] = source + " " + " ".join(_forms_behind_names(module, source))
    return views


def _forms_behind_names(module, source):
    """Names of the form classes the view reaches through its module's names: an alias
    (`SheetForm as SheetEntryForm`), a table of forms (`PARTS`) or a formset."""
    found = []
    for name, value in vars(module).items() if module else ():
        if not re.search(rf"\b{re.escape(name)}\b", source):
            continue
        values = value.values() if isinstance(value, dict) else [value]
        for item in values:
            item = getattr(item, "form", item)  # a formset's form
            if inspect.isclass(item) and issubclass(item, forms.BaseForm):
                found.append(item.__name__)
    return found


def form_targets():
    """[(form label, url name, field names)] for every form and the views that use it."""
    views = url_views()
    targets = []
    for label, form_class in form_classes().items():
        names = list(form_class.base_fields)
        users = [
            url
            for url, source in views.items()
            if re.search(rf"\b{form_class.__name__}\b", source)
            or (label == "core.otp.TokenForm" and url.startswith("otp_"))
            or (label.startswith("clusters.accounts.forms") and _auth_view(url, form_class))
        ]
        targets += [(label, url, names) for url in users]
    return targets


def _auth_view(url, form_class):
    from config.urls import auth_urlpatterns

    for entry in auth_urlpatterns:
        kwargs = getattr(entry.callback, "view_initkwargs", {})
        if entry.name == url and form_class in kwargs.values():
            return True
        view_class = getattr(entry.callback, "view_class", None)
        used = getattr(view_class, "form_class", None)  # the form, or the view's own subclass
        if entry.name == url and inspect.isclass(used) and issubclass(used, form_class):
            return True
    return False


def role_for(url_name, expected):
    """Public forms are tried anonymously; the others by the first role the table lets post."""
    row = expected.get(url_name, {})
    if row.get("anon", (302, 302))[1] in (200, 400):
        return "anon"
    for role in TRYING_ROLES:
        if role != "anon" and row.get(role, (200, 200))[1] not in (403, 404, 405):
            return role
    return "admin"


def test_every_form_is_used_by_some_view():
    targets = form_targets()
    used = {label for label, _url, _names in targets}
    unused = sorted(set(form_classes()) - used)
    # Forms drawn inside other forms or used for GET filters are reached through those views.
    assert not unused, f"No view found for these forms: {unused}"


@pytest.fixture
def targets(trust_world):
    """[(url, role, field names)]: each view once, with the fields of all its forms."""
    expected = matrix.parse_table(matrix.EXPECTED)
    fields = {}
    for _label, url_name, names in form_targets():
        fields.setdefault(url_name, set()).update(names)
    result = []
    for url_name, names in sorted(fields.items()):
        kwargs = matrix.URL_ARGS[url_name](trust_world) if url_name in matrix.URL_ARGS else {}
        url = reverse(url_name, kwargs=kwargs)
        role = role_for(url_name, expected)
        shown = _page_field_names(trust_world, role, url)
        result.append((url, role, sorted(names | shown)))
    return result


def _page_field_names(world, role, url):
    with savepoint():
        response = client_as(world, role).get(url)
    if response.streaming:
        b"".join(response.streaming_content)
        return set()
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return set()
    names = set(re.findall(r'name="([^"]+)"', response.content.decode()))
    return {n for n in names if n not in ("csrfmiddlewaretoken", "next", "language")}


def post(world, role, url, data):
    client = client_as(world, role)
    with savepoint():
        response = client.post(url, data)
        if response.streaming:
            b"".join(response.streaming_content)
    if response.status_code >= 500:
        exc = getattr(response, "exc_info", None)
        detail = f"{exc[0].__name__}: {exc[1]}" if exc else ""
        raise AssertionError(f"POST {url} as {role} -> {response.status_code} {detail}\n{data!r}")
    return response.status_code


def test_each_form_survives_the_worst_values_in_every_field(trust_world, targets):
    assert len(targets) >= 60
    for url, role, names in targets:
        for value in WORST:
            post(trust_world, role, url, dict.fromkeys(names, value))


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_forms_survive_mixed_edge_values(trust_world, targets, data):
    url, role, names = data.draw(st.sampled_from(targets))
    values = {name: data.draw(edge, label=name) for name in names}
    post(trust_world, role, url, values)
