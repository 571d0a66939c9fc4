"""`{% pure_include "template.html" name=value … %}`: a fragment rendered once per set of values.

Some fragments are the same on every page for everyone in the same situation: the site's header
is a function of the reader's language, which menus their roles open, their name and their
unread count — nothing else. Rendering it costs about a millisecond a request (a dozen `{% url %}`
and two dozen translations); this tag renders it once per process for each combination of its
values and then only puts in what differs on every request. It is not a cache of anything
stored: the HTML is what the template makes of exactly these values, so it cannot go stale.

The included template sees only the values given (as `{% include … only %}`), plus two slots
filled on every request: `{% csrf_token %}` (the request's token) and `{{ request_path }}` (the
page's path and query). Values must be hashable: strings, numbers, booleans, None.
"""

import functools

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

# NUL never reaches a page from the database (PostgreSQL's text refuses it, Django's form fields
# too), so these marks cannot be mistaken for content.
CSRF_SLOT = "\x00csrf\x00"
PATH_SLOT = "\x00path\x00"
FRAGMENTS_KEPT = 2048  # a worker keeps at most this many rendered fragments (the oldest go)


@functools.lru_cache(maxsize=FRAGMENTS_KEPT)
def _render(template_name, language, prefix, urlconf, values):
    # The key's language, script prefix and URL configuration are the active ones: the
    # rendering below reads them from the request's thread, as any template does.
    context = dict(values, csrf_token=CSRF_SLOT, request_path=PATH_SLOT)
    return get_template(template_name).render(context)


@register.simple_tag(takes_context=True)
def pure_include(context, template_name, **values):
    html = _render(
        template_name,
        get_language(),
        get_script_prefix(),
        get_urlconf() or settings.ROOT_URLCONF,
        tuple(sorted(values.items())),
    )
    request = context.get("request")
    if CSRF_SLOT in html:
        html = html.replace(CSRF_SLOT, conditional_escape(get_token(request)) if request else "")
    if PATH_SLOT in html:
        html = html.replace(
            PATH_SLOT, conditional_escape(request.get_full_path()) if request else ""
        )
    return mark_safe(html)  # noqa: S308 (rendered by the template engine, slots escaped)


@functools.partial(setting_changed.connect, weak=False)
def _forget(*, setting, **kwargs):
    """Tests that change templates, languages or URLs get fragments made with the new ones."""
    if setting in ("TEMPLATES", "LANGUAGES", "LANGUAGE_CODE", "ROOT_URLCONF", "LOCALE_PATHS"):
        _render.cache_clear()
