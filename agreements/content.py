"""The agreement's canonical serialisation (revisions, adoption hash) and word-level diffs."""

import contextlib
import difflib
import json
import re
import unicodedata
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from agreements.models import Criterion, Section
from core.text import vn_number

CENT = Decimal("0.01")
NUMBER_FIELDS = ("target", "max_points", "points_per_occurrence", "cap")

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


def criterion_from_data(data):
    """An unsaved Criterion from its canonical data (the inverse of `_criterion_data`)."""
    fields = {name: data.get(name) for name, _label in CRITERION_FIELDS}
    for name in NUMBER_FIELDS:
        fields[name] = None if fields[name] in (None, "") else Decimal(fields[name])
    return Criterion(**fields)


def content_of(agreement, sections):
    """The agreement's content as plain data, from its sections in order, each given with its
    criteria in order: [(section, [criterion, ...])]."""
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
                "criteria": [_criterion_data(c) for c in criteria],
            }
            for number, (section, criteria) in enumerate(sections, start=1)
        ],
    }


def content_data(agreement):
    """Return the agreement's content as plain data, read fresh from the database."""
    sections = (
        Section.objects.filter(agreement_id=agreement.pk)
        .order_by("order", "pk")
        .prefetch_related(Prefetch("criteria", queryset=Criterion.objects.order_by("order", "pk")))
    )
    return content_of(agreement, [(section, section.criteria.all()) for section in sections])


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
    """Return [(op, text)] with op in 'equal', 'delete', 'insert', word by word.

    A lone space between two changed words counts as changed, so that "quán triệt" →
    "tuyên truyền" reads as one deletion and one insertion.
    """
    old, new = _tokens(old_text or ""), _tokens(new_text or "")
    segments, deleted, inserted = [], [], []

    def push(op, text):
        if not text:
            return
        if segments and segments[-1][0] == op:
            segments[-1] = (op, segments[-1][1] + text)
        else:
            segments.append((op, text))

    def flush():
        push("delete", "".join(deleted))
        push("insert", "".join(inserted))
        deleted.clear()
        inserted.clear()

    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            between_changes = 0 < index < len(opcodes) - 1
            if between_changes and all(not t.strip() for t in old[i1:i2]):
                deleted.extend(old[i1:i2])
                inserted.extend(new[j1:j2])
                continue
            flush()
            push("equal", "".join(old[i1:i2]))
        else:
            deleted.extend(old[i1:i2])
            inserted.extend(new[j1:j2])
    flush()
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


def _similarity(a, b):
    return difflib.SequenceMatcher(None, _tokens(a), _tokens(b), autojunk=False).ratio()


def _pair(old_items, new_items, key, text):
    """Align two lists: return (old, new) pairs, None on the side where an item is missing.

    Identical keys pair first (wherever they moved to), then items whose text is at least
    half the same; what is left was removed or added. Ordered as in the new list.
    """
    partner = {}  # new index -> old index
    used = set()
    for i, old in enumerate(old_items):
        for j, new in enumerate(new_items):
            if j not in partner and key(old) == key(new):
                partner[j] = i
                used.add(i)
                break
    for i, old in enumerate(old_items):
        if i in used:
            continue
        best, best_score = None, 0.5
        for j, new in enumerate(new_items):
            if j in partner:
                continue
            score = _similarity(text(old), text(new))
            if score >= best_score:
                best, best_score = j, score
        if best is not None:
            partner[best] = i
            used.add(i)
    rows = [
        (j, old_items[partner[j]] if j in partner else None, new) for j, new in enumerate(new_items)
    ]
    new_of_old = {i: j for j, i in partner.items()}
    for i, old in enumerate(old_items):
        if i in used:
            continue
        later = [new_of_old[k] for k in range(i + 1, len(old_items)) if k in new_of_old]
        position = (min(later) if later else len(new_items)) - 0.5
        rows.append((position, old, None))
    rows.sort(key=lambda row: row[0])
    return [(old, new) for _position, old, new in rows]


def _status(old, new, changed):
    if old is None:
        return "added"
    if new is None:
        return "removed"
    return "changed" if changed else "unchanged"


CHOICE_FIELDS = {"measure": Criterion.Measure, "kind": Criterion.Kind, "rule": Criterion.Rule}


def _readable(name, value):
    """A criterion's stored value as the pages show it: '17,5', not '17.50'; labels, not codes."""
    if value is None or value == "":
        return value
    if name in NUMBER_FIELDS:
        return vn_number(value)
    if name in CHOICE_FIELDS:
        with contextlib.suppress(ValueError):
            return str(CHOICE_FIELDS[name](value).label)
    return value


def _criteria_diff(old_list, new_list):
    result = []
    pairs = _pair(old_list, new_list, key=lambda c: c["code"], text=lambda c: c["text"])
    for old, new in pairs:
        fields = [
            _field_diff(
                name,
                label,
                _readable(name, (old or {}).get(name)),
                _readable(name, (new or {}).get(name)),
            )
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
    pairs = _pair(
        old_list,
        new_list,
        key=lambda s: (s["heading"], s["text"]),
        text=lambda s: f"{s['heading']} {s['text']}",
    )
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
