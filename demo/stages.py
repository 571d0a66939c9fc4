"""The demo story's stages, in order; each later stage builds on the ones before it.

A stage is (name, builder(world) -> None). Later issues append their stages here.
"""

from demo import agreements, awards, digital, foundation, results, signing

STAGES = [
    ("foundation", None),
    ("adopted", agreements.build),
    ("signed", signing.build),
    ("assessed", results.build),
    ("decided", awards.build),
    ("digital", digital.build),
]


def names():
    return [name for name, _builder in STAGES]


def build(through=None):
    """Build the story up to and including the stage `through` (default: the last one)."""
    through = through or STAGES[-1][0]
    if through not in names():
        raise ValueError(through)
    world = foundation.build()
    for name, builder in STAGES:
        if builder is not None:
            builder(world)
        if name == through:
            break
    return world
