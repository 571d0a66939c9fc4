"""The agreement's canonical serialisation (revisions, adoption hash) and word-level diffs."""

import difflib
import json
import re
import unicodedata
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")

HEADER_FIELDS = [
    ("title", _("Title")),
    ("place", _("Place")),
    ("date", _("Date")),
    ("legal_basis", _("Legal basis")),
    ("closing", _("Closing part")),
]
CRITERION_FIELDS = [
    ("code", _("Code")),
    ("text", _("Criterion")),
    ("measure", _("Measure")),
    ("unit_label", _("Unit of measure")),
    ("target", _("Target")),
    ("max_points", _("Maximum points")),
    ("kind", _("Kind")),
    ("rule", _("Scoring rule")),
    ("points_per_occurrence", _("Points per occurrence")),
    ("cap", _("Cap")),
]


def nfc(text):
    return unicodedata.normalize("NFC", text or "")


def decimal_text(value):
    """Return a Decimal as a fixed two-place string ('10.00'), or None."""
    if value is None:
        return None
    return str(Decimal(value).quantize(CENT))


def _criterion_data(criterion):
    return {
        "code": nfc(criterion.code),
        "text": nfc(criterion.text),
        "measure": criterion.measure,
        "unit_label": nfc(criterion.unit_label),
        "target": decimal_text(criterion.target),
        "max_points": decimal_text(criterion.max_points),
        "kind": criterion.kind,
        "rule": criterion.rule,
        "points_per_occurrence": decimal_text(criterion.points_per_occurrence),
        "cap": decimal_text(criterion.cap),
    }


def content_data(agreement):
    """Return the agreement's content as plain data, read fresh from the database."""
    from agreements.models import Criterion, Section

    sections = (
        Section.objects.filter(agreement_id=agreement.pk)
        .order_by("order", "pk")
        .prefetch_related(Prefetch("criteria", queryset=Criterion.objects.order_by("order", "pk")))
    )
    return {
        "title": nfc(agreement.title),
        "place": nfc(agreement.place),
        "date": agreement.date.isoformat() if agreement.date else None,
        "legal_basis": nfc(agreement.legal_basis),
        "closing": nfc(agreement.closing),
        "sections": [
            {
                "number": number,
                "heading": nfc(section.heading),
                "text": nfc(section.text),
                "criteria": [_criterion_data(c) for c in section.criteria.all()],
            }
            for number, section in enumerate(sections, start=1)
        ],
    }


def dumps(data):
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def serialize(agreement):
    """Return the canonical JSON of the agreement's content (sorted keys, NFC, Decimals as text)."""
    return dumps(content_data(agreement))


# --- diffs ---------------------------------------------------------------------------------

_TOKENS = re.compile(r"\s+|[^\s]+")


def _tokens(text):
    return _TOKENS.findall(nfc(text))


def word_diff(old_text, new_text):
    """Return [(op, text)] with op in 'equal', 'delete', 'insert', word by word."""
    old, new = _tokens(old_text or ""), _tokens(new_text or "")
    segments = []

    def push(op, tokens):
        text = "".join(tokens)
        if not text:
            return
        if segments and segments[-1][0] == op:
            segments[-1] = (op, segments[-1][1] + text)
        else:
            segments.append((op, text))

    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            push("equal", old[i1:i2])
        else:
            push("delete", old[i1:i2])
            push("insert", new[j1:j2])
    return segments


def _text(value):
    return "" if value is None else str(value)


def _field_diff(name, label, old, new):
    old, new = _text(old), _text(new)
    return {
        "name": name,
        "label": label,
        "changed": old != new,
        "old": old,
        "new": new,
        "segments": word_diff(old, new),
    }


def _pair(old_items, new_items, key):
    """Align two lists: yield (old, new) pairs, with None on the side where an item is missing."""
    matcher = difflib.SequenceMatcher(
        None, [key(i) for i in old_items], [key(i) for i in new_items], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        olds, news = old_items[i1:i2], new_items[j1:j2]
        if tag == "equal" or tag == "replace":
            common = min(len(olds), len(news))
            yield from zip(olds[:common], news[:common], strict=True)
            yield from ((o, None) for o in olds[common:])
            yield from ((None, n) for n in news[common:])
        elif tag == "delete":
            yield from ((o, None) for o in olds)
        else:
            yield from ((None, n) for n in news)


def _status(old, new, changed):
    if old is None:
        return "added"
    if new is None:
        return "removed"
    return "changed" if changed else "unchanged"


def _criteria_diff(old_list, new_list):
    result = []
    for old, new in _pair(old_list, new_list, key=lambda c: c["code"]):
        fields = [
            _field_diff(name, label, (old or {}).get(name), (new or {}).get(name))
            for name, label in CRITERION_FIELDS
        ]
        changed = any(f["changed"] for f in fields)
        result.append(
            {
                "status": _status(old, new, changed),
                "code": (new or old)["code"],
                "fields": fields,
            }
        )
    return result


def _sections_diff(old_list, new_list):
    result = []
    pairs = _pair(old_list, new_list, key=lambda s: (s["heading"], s["text"]))
    for old, new in pairs:
        heading = _field_diff(
            "heading", _("Heading"), (old or {}).get("heading"), (new or {}).get("heading")
        )
        text = _field_diff("text", _("Text"), (old or {}).get("text"), (new or {}).get("text"))
        criteria = _criteria_diff((old or {}).get("criteria", []), (new or {}).get("criteria", []))
        moved = bool(old and new and old["number"] != new["number"])
        changed = (
            heading["changed"]
            or text["changed"]
            or any(c["status"] != "unchanged" for c in criteria)
        )
        result.append(
            {
                "status": _status(old, new, changed),
                "moved": moved,
                "number_old": old["number"] if old else None,
                "number_new": new["number"] if new else None,
                "heading": heading,
                "text": text,
                "criteria": criteria,
            }
        )
    return result


def diff_data(old, new):
    """Return the structured difference between two content dicts (see `content_data`)."""
    fields = [
        _field_diff(name, label, old.get(name), new.get(name)) for name, label in HEADER_FIELDS
    ]
    sections = _sections_diff(old.get("sections", []), new.get("sections", []))
    return {
        "fields": fields,
        "sections": sections,
        "changed": any(f["changed"] for f in fields)
        or any(s["status"] != "unchanged" or s["moved"] for s in sections),
    }


def diff_revisions(rev_a, rev_b):
    """Return what changed from revision `rev_a` to revision `rev_b`, per field and section.

    {"fields": [{name, label, changed, old, new, segments}], "sections": [{status: added |
    removed | changed | unchanged, moved, number_old, number_new, heading, text, criteria:
    [{status, code, fields}]}], "changed": bool}
    """
    return diff_data(rev_a.data, rev_b.data)
