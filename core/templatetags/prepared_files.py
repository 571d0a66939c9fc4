"""`{% prepare_button url label classes %}`: the button that asks for a prepared file.

It posts to the kind's URL; with htmx the progress panel appears in the page's
#prepared-files region (base.html) and the page stays where it is, without htmx the browser
goes to the file's own page.
"""

from django import template

register = template.Library()


@register.inclusion_tag("includes/prepare_button.html", takes_context=True)
def prepare_button(context, url, label, classes="btn btn-sm btn-outline-secondary"):
    return {"url": url, "label": label, "classes": classes, "csrf_token": context.get("csrf_token")}
