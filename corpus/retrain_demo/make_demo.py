"""Write the retraining demo: ten pages of one invented site layout, labelled.

    python corpus/retrain_demo/make_demo.py          # rewrite train/ and heldout/

The "Riverside Almanac" (an invented site, invented text) lays out its articles in a
way general news pages do not:

* a kicker line in capitals ("THE ALMANAC / GARDENS") above the headline, and no
  byline under it;
* after the body, a photo caption ("Picture: ...") and the byline in prose:
  "Filed by Maren Holt on the 3rd of June, from Lower Ashby.";
* an "ELSEWHERE IN THE ALMANAC" list whose items are whole sentences ending in a full
  stop, which look like body text but are related-item titles;
* a footer of full sentences ("Letters to the editor are welcome ...").

Labels follow corpus/gold/README.md: kicker, caption, list header and footer are
junk; the "Filed by" line is a byline. Pages 1-5 go to ``train/`` (the pages a user
labels), pages 6-10 to ``heldout/`` (the pages the retrained model is measured on).
Generation is deterministic: the same files every run.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent.parent))

from cleaner.samples import LabelledPage, LabelSpan, read_tsv, write_tsv  # noqa: E402

SITE = "riverside-almanac.example"
N_PAGES = 10
N_TRAIN = 5

_SECTIONS = ("GARDENS", "TOWN HALL", "WEATHER", "RIVER", "HISTORY", "SCHOOLS")
_PLACES = ("Lower Ashby", "Millford Quay", "Hollin Bridge", "East Wyke", "Tansy Green", "Oxley Reach")
_NAMES = ("Maren Holt", "Tobias Quill", "Ines Farrow", "Pavel Drummond", "Ada Whitcombe", "Olu Brennan")
_MONTHS = ("March", "April", "May", "June", "July", "August", "September")
_ORD = ("1st", "2nd", "3rd", "4th", "7th", "9th", "12th", "15th", "21st", "23rd", "28th")
_THINGS = (
    "the orchard trust",
    "the ferry committee",
    "the parish council",
    "the allotment society",
    "the flood wardens",
    "the lending library",
    "the village school",
    "the bell ringers",
    "the cider press co-operative",
    "the towpath volunteers",
    "the mill museum",
    "the weather station",
)
_TOPICS = (
    ("late frost", "spared most of the apple blossom on the south slopes"),
    ("ferry timetable", "will change again when the summer crossings begin"),
    ("new footbridge", "opened to walkers after eleven months of work"),
    ("river levels", "fell below the old stone marker for the first time in a decade"),
    ("school garden", "produced enough beans to supply the lunch hall for a fortnight"),
    ("mill wheel", "turned again after volunteers replaced three of its paddles"),
    ("library move", "will take the reading room into the old corn exchange"),
    ("heron colony", "returned to the willows below the weir in larger numbers"),
    ("parking scheme", "divided opinion at a crowded meeting in the church hall"),
    ("harvest fair", "raised more money for the lifeboat than in any year before"),
    ("bus shelter", "was rebuilt in oak by pupils of the carpentry class"),
    ("well dressing", "drew visitors from three counties despite the rain"),
)
_OPENERS = (
    "Residents of {place} said on {day} that the {topic} {pred}.",
    "The {topic} {pred}, according to {thing}.",
    "Members of {thing} met in {place} to discuss how the {topic} {pred}.",
    "It is now clear that the {topic} {pred}, and few in {place} are surprised.",
)
_MIDDLES = (
    "A spokesman for {thing} said the work had cost less than expected and had been finished ahead of the "
    "dry weeks.",
    "Older residents remember a similar season in the sixties, when {thing} kept a ledger of every change by "
    "hand.",
    "The figures gathered by {thing} show a steady rise over the past five years, with a short dip after the "
    "wet winter.",
    "Not everyone is pleased: several households near {place} wrote to {thing} asking for the plans to be "
    "looked at again.",
    "Volunteers from {thing} gave up their weekends to help, and many of them brought their children along.",
    "The council has promised a public meeting in {place} before any further decision is taken.",
    "Visitors are asked to keep to the marked paths and to leave gates as they find them.",
    "A small grant from the county covered the materials, while {thing} paid for the tools.",
    "Those who want to take part can leave their names at the post office in {place} until the end of the "
    "month.",
    "Photographs of the work will be shown in the window of the old bakery for the rest of the season.",
)
_CLOSERS = (
    "The next update is expected after the {month} meeting of {thing}.",
    "{thing_cap} will report again when the season closes.",
    "For now, the mood in {place} is one of cautious relief.",
)
_CAPTIONS = (
    "Picture: volunteers at work near {place} on a bright morning. ({name}/Riverside Almanac)",
    "Picture: the view across the water from {place}, looking east. ({name}/Riverside Almanac)",
    "Picture: members of {thing} at their first meeting of the year. ({name}/Riverside Almanac)",
)
_RELATED = (
    "The {topic} {pred}, and here is what it means for {place}.",
    "Why {thing} says the {topic} matters more than you think.",
    "What we learned when the {topic} {pred}.",
    "A walk along the water at {place}, where the {topic} {pred}.",
)
_FOOTER = (
    "Letters to the editor are welcome at the usual address in Lower Ashby.",
    "The Riverside Almanac is written by volunteers and printed on recycled paper.",
    "Copyright Riverside Almanac. All rights reserved.",
)


def _fill(template: str, rng: random.Random, topic: tuple[str, str] | None = None) -> str:
    t = topic or rng.choice(_TOPICS)
    thing = rng.choice(_THINGS)
    return template.format(
        place=rng.choice(_PLACES),
        day=rng.choice(("Monday", "Tuesday", "Thursday", "Saturday")),
        topic=t[0],
        pred=t[1],
        thing=thing,
        thing_cap=thing[0].upper() + thing[1:],
        month=rng.choice(_MONTHS),
        name=rng.choice(_NAMES),
    )


def make_page(number: int) -> LabelledPage:
    """Page ``number`` (1-based) of the demo site, with its labels."""
    rng = random.Random(f"riverside-{number}")
    topic = _TOPICS[(number - 1) % len(_TOPICS)]
    segments: list[tuple[str, str]] = [
        ("junk", "RIVERSIDE ALMANAC"),
        ("junk", "Home · Weather · Gardens · Town Hall · Letters"),
        ("junk", f"THE ALMANAC / {rng.choice(_SECTIONS)}"),
        ("headline", f"How the {topic[0]} {topic[1]}"),
        ("body", _fill(rng.choice(_OPENERS), rng, topic)),
    ]
    for template in rng.sample(_MIDDLES, rng.randint(3, 5)):
        segments.append(("body", _fill(template, rng, topic)))
    segments.append(("body", _fill(rng.choice(_CLOSERS), rng, topic)))
    segments.append(("junk", _fill(rng.choice(_CAPTIONS), rng)))
    name, place, day, month = rng.choice(_NAMES), rng.choice(_PLACES), rng.choice(_ORD), rng.choice(_MONTHS)
    segments.append(("byline", f"Filed by {name} on the {day} of {month}, from {place}."))
    segments.append(("junk", "ELSEWHERE IN THE ALMANAC"))
    others = [t for t in _TOPICS if t != topic]
    for template, other in zip(rng.sample(_RELATED, 3), rng.sample(others, 3), strict=True):
        segments.append(("related-item", _fill(template, rng, other)))
    segments.extend(("junk", line) for line in _FOOTER)
    text_parts: list[str] = []
    spans: list[LabelSpan] = []
    pos = 0
    for label, seg in segments:
        spans.append(LabelSpan(pos, pos + len(seg), label))
        text_parts.append(seg + "\n")
        pos += len(seg) + 1
    return LabelledPage(id=f"almanac-{number:02d}", text="".join(text_parts), spans=tuple(spans), site=SITE)


def write_demo(root: Path = ROOT) -> list[Path]:
    """Write the ten pages under ``root/train`` and ``root/heldout``; return the TSV paths."""
    out = []
    for number in range(1, N_PAGES + 1):
        page = make_page(number)
        folder = root / ("train" if number <= N_TRAIN else "heldout")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{page.id}.txt").write_text(page.text, encoding="utf-8")
        tsv = folder / f"{page.id}.labels.tsv"
        write_tsv(page, tsv)
        assert read_tsv(tsv).spans == page.spans
        out.append(tsv)
    return out


if __name__ == "__main__":
    for path in write_demo():
        print(path.relative_to(ROOT))
