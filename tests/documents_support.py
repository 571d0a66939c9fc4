"""Reading official documents as a reader does: their text (pdftotext) and their line breaks."""

import re
import subprocess

from core.documents import NBSP

# Fixed phrases of every document, besides the names of the world's units and places.
PHRASES = ["MTTQ Việt Nam", "Cụm thi đua số 1"]


def pdf_lines(data, tmp_path, name="document.pdf"):
    """The text of a PDF as pdftotext lays it out, one line of the page per line."""
    path = tmp_path / name
    path.write_bytes(data)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return out.stdout.decode("utf-8")


def world_names(world):
    """The names no line may break inside: the units' places, the parent's, the cluster's."""
    from clusters.models import Unit

    names = set(PHRASES)
    names.update(u.short_name for u in Unit.objects.all() if " " in u.short_name)
    names.add(world.parent.place_name)
    names.add(world.cluster_year.cluster.name)
    return sorted(n for n in names if n and " " in n.strip())


def split_names(text, names):
    """Every place in `text` where one of `names` is broken across two lines (any case)."""
    found = []
    for name in names:
        space = f"[\\s{NBSP}]+"
        pattern = space.join(re.escape(word) for word in name.split())
        for match in re.finditer(pattern, text, re.IGNORECASE):
            if "\n" in match.group(0):
                found.append(f"{name}: {match.group(0)!r}")
    return found
