"""Synthetic multi-article aggregator pages composed from labelled single-article pages.

Real training pages mostly hold one article. The pages the cleaner must handle in
production (see ``corpus/seed/``) are often aggregators: a main article, a
"Related coverage:" list, widget junk, then cards of other articles whose source and
time lines come *before* the headline and whose whole body, byline prefix and a
run-together "Related coverage: A B C" list share one line. This module builds such
pages from the headlines, bylines, body paragraphs and related titles of labelled
pages, so that the classifier sees those layouts with exact labels.

Layouts (``meta["layout"]``):

``seed``
    like the seed page: main article, related list, widget junk, then a section of
    cards, most of them collapsed (source/time lines, headline, one-line body).
``cards``
    a page of collapsed cards only: source and time lines before each headline, the
    body (full or truncated) on one line, sometimes with a byline prefix and a
    run-together related list on the same line.
``portal``
    a listing page: several headline + byline + short teaser cards, no main article.
``embedded``
    one article embedded among heavy junk (navigation, cookie banner, ads between
    paragraphs, trending list, footer).

Every output page has spans covering all its non-space text, in order, so that it can
be written with :func:`cleaner.samples.write_jsonl` and read back. Generation is
deterministic for a given ``seed`` and input order.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .labels import Label
from .samples import LabelledPage, LabelSpan

__all__ = ["LAYOUTS", "compose_aggregator_pages"]

LAYOUTS: tuple[str, ...] = ("seed", "cards", "portal", "embedded")
"""The layout names, as written to ``meta["layout"]``."""

# Relative frequency of each layout. The seed-like and collapsed-card layouts are
# the ones real single-article data lacks, so they get the larger share; no tuning
# behind the exact numbers.
_LAYOUT_WEIGHTS: tuple[float, ...] = (0.35, 0.25, 0.2, 0.2)

H, B, BODY, REL, JUNK = Label.HEADLINE, Label.BYLINE, Label.BODY, Label.RELATED, Label.JUNK

# --------------------------------------------------------------------------- pools

_SOURCES = (
    "KYODO NEWS",
    "Kyodo News",
    "Nikkei Asia",
    "The Harbor Ledger",
    "Northfield Courier",
    "Pacific Wire",
    "Daily Meridian",
    "Coastline Times",
    "Granite State Gazette",
    "The Valley Post",
    "Metro Dispatch",
    "Lakeside Herald",
    "Summit Tribune",
    "Asia Press Review",
    "EuroNews Desk",
    "Capital Observer",
    "Riverbend Chronicle",
    "Prairie Star",
    "Bayview Journal",
    "Global Brief",
    "Market Pulse",
    "Tech Current",
    "Iron Range Record",
    "Sunset Examiner",
    "Harbor City Voice",
    "AFP",
    "The Morning Signal",
    "Westbrook Weekly",
    "Orchard Times",
    "Northern Beacon",
)
_SITES = (
    "Daily8",
    "NewsHub",
    "Briefly",
    "Aggregate Now",
    "TopWire",
    "Feedline",
    "Headline Hub",
    "Morning Roundup",
    "Newsstack",
    "PressPoint",
    "The Digest",
    "WorldScan",
    "InfoStream",
)
_FIRST = (
    "Maria",
    "James",
    "Aiko",
    "Tom",
    "Priya",
    "Lukas",
    "Elena",
    "David",
    "Sofia",
    "Kenji",
    "Grace",
    "Omar",
    "Hannah",
    "Mateo",
    "Chloe",
    "Samuel",
    "Ingrid",
    "Ravi",
    "Lucy",
    "Pavel",
    "Amara",
    "Noah",
)
_LAST = (
    "Alvarez",
    "Thompson",
    "Tanaka",
    "Nguyen",
    "Okafor",
    "Schmidt",
    "Rossi",
    "Walsh",
    "Kowalski",
    "Haddad",
    "Fischer",
    "Park",
    "Moreau",
    "Lindqvist",
    "Patel",
    "Brennan",
    "Costa",
    "Yamamoto",
    "Adeyemi",
    "Novak",
    "Harper",
    "Reyes",
)
_ROLES = (
    "Staff Writer",
    "Senior Correspondent",
    "Political Editor",
    "Business Reporter",
    "Contributor",
    "Associated Press",
    "Tokyo Bureau",
    "Science Editor",
    "Special to the paper",
)
_SECTIONS = (
    "World",
    "All",
    "Japan",
    "Asia",
    "Business",
    "Politics",
    "Economy",
    "Markets",
    "Tech",
    "Science",
    "Health",
    "Sports",
    "Culture",
    "Europe",
    "Americas",
    "Opinion",
    "Local",
    "Environment",
    "Travel",
)
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_TZ = ("EST", "EDT", "GMT", "JST", "CET", "PT", "UTC", "BST")

_RELATED_HEADERS = (
    "Related coverage:",
    "Related:",
    "Read more:",
    "See also",
    "See also:",
    "Related stories",
    "More on this story",
    "Related Content",
    "Also read:",
    "You may also like",
    "Related reading",
    "More coverage:",
    "Further reading",
)
_CARD_SECTION_HEADERS = (
    "Related Articles",
    "Top stories",
    "Latest news",
    "Recommended for you",
    "Most read",
    "More stories",
    "Editor's picks",
    "What to read next",
    "In other news",
    "Popular now",
    "Latest headlines",
    "Around the web",
)
_TRENDING_HEADERS = (
    "Trending now",
    "Most popular",
    "Trending",
    "Most read",
    "Popular this week",
    "Don't miss",
    "Top 5",
    "Hot right now",
    "What people are reading",
)
_JUNK = (
    "Try Our AI Features",
    "Explore what {site} AI can do for you:",
    "Comments",
    "No comments yet...",
    "Be the first to comment",
    "Share this article",
    "Share",
    "Share on Facebook",
    "Share on X",
    "Copy link",
    "Email",
    "Print",
    "Advertisement",
    "ADVERTISEMENT",
    "Story continues below advertisement",
    "Sponsored",
    "Sponsored content",
    "Sign up for our newsletter",
    "Get the latest headlines delivered to your inbox every morning.",
    "Subscribe",
    "Subscribe now",
    "Already a subscriber? Log in",
    "Log in",
    "Sign in",
    "Register",
    "Menu",
    "Search",
    "Close",
    "Skip to content",
    "Skip to main content",
    "Back to top",
    "Load more",
    "Show more",
    "Read more",
    "Continue reading",
    "Listen to this article",
    "Listen",
    "5 min read",
    "Save",
    "Bookmark",
    "Follow us",
    "Follow us on Facebook",
    "Download our app",
    "Get the app",
    "We use cookies to improve your experience on our site.",
    "This website uses cookies to personalise content and ads and to analyse our traffic.",
    "Accept all",
    "Accept",
    "Reject all",
    "Manage preferences",
    "Cookie settings",
    "Privacy Policy",
    "Terms of Use",
    "Terms of Service",
    "Contact us",
    "About us",
    "Careers",
    "Advertise with us",
    "Sitemap",
    "RSS",
    "Help",
    "FAQ",
    "Accessibility",
    "Do not sell my personal information",
    "© {year} {site}. All rights reserved.",
    "Copyright © {year} {site} Media Group",
    "All content © {site} {year}",
    "Powered by {site}",
    "Report an error",
    "Feedback",
    "Was this article helpful?",
    "Yes",
    "No",
    "Thanks for your feedback!",
    "Tags:",
    "Topics",
    "View comments",
    "{n} comments",
    "Join the conversation",
    "Leave a comment",
    "You must be logged in to post a comment.",
    "Translate",
    "English",
    "Change language",
    "Weather",
    "Today's paper",
    "Newsletters",
    "Podcasts",
    "Video",
    "Photos",
    "Live",
    "Breaking news alerts",
    "Turn on notifications",
    "Not now",
    "Allow",
    "Your browser does not support the video tag.",
    "Loading...",
    "Image",
    "Photo: Getty Images",
    "Please enable JavaScript to view the comments.",
    "Support our journalism",
    "Become a member today and get unlimited access.",
    "Gift this article",
    "Edit",
    "Home",
    "Previous",
    "Next",
    "Page 1 of 2",
    "Open in app",
    "Ad Feedback",
    "Close ad",
)
_MENU = (
    "Home",
    "World",
    "Politics",
    "Business",
    "Tech",
    "Science",
    "Health",
    "Sports",
    "Entertainment",
    "Opinion",
    "Lifestyle",
    "Travel",
    "Markets",
    "Video",
    "Local",
    "Weather",
    "Culture",
    "Food",
    "Autos",
    "Real Estate",
    "Jobs",
    "Obituaries",
    "Puzzles",
    "Podcasts",
    "Newsletters",
    "Events",
)
_COOKIE_BANNERS = (
    "We use cookies to improve your experience on our site. By continuing to browse, you agree to our use of cookies.",
    "This website uses cookies to personalise content and ads and to analyse our traffic.",
    "{site} and our partners use cookies and similar technologies to store and access information on your device.",
    "We value your privacy. We and our partners process personal data such as IP addresses for ads and measurement.",
    'By clicking "Accept", you consent to the storing of cookies on your device.',
    "Cookies help us deliver our services. You can change your choices at any time in Privacy Settings.",
)
_TEASER_TAILS = ("Read more", "Read more »", "Continue reading", "More »", "Full story", "→")
_ELLIPSES = ("...", "…", " ...", " …", " [...]")


# --------------------------------------------------------------------------- articles


@dataclass(frozen=True, slots=True)
class _Article:
    page_id: str
    headline: str
    bylines: tuple[str, ...]
    body: tuple[str, ...]
    related: tuple[str, ...]


def _norm(text: str) -> str:
    return " ".join(text.split())


def _articles(pages: list[LabelledPage]) -> tuple[list[_Article], list[str]]:
    """Return the usable articles and a pool of titles (headlines and related titles).

    A page may hold several articles (the seed page does): each headline starts a new
    one, and byline lines seen after an article's body (before the next headline) go
    with the next article, as on cards whose source and time come first.
    """
    articles: list[_Article] = []
    titles: dict[str, None] = {}
    for page in pages:
        current: dict[str, list[str]] | None = None
        pending: list[str] = []
        found: list[tuple[str, dict[str, list[str]]]] = []
        for label, text in page.segments():
            if label == H:
                t = _norm(text)
                if current is None or current["body"] or current["headline"]:
                    current = {"headline": [t], "bylines": pending, "body": [], "related": []}
                    found.append((page.id, current))
                    pending = []
                continue
            if label == B:
                t = _norm(text)
                if not t or len(t) > 200:
                    continue
                if current is None or current["body"] or current["related"]:
                    pending.append(t)
                else:
                    current["bylines"].append(t)
            elif label == BODY and current is not None:
                current["body"].extend(p for p in (_norm(line) for line in text.split("\n")) if p)
            elif label == REL:
                t = _norm(text)
                if t:
                    titles[t] = None
                    if current is not None:
                        current["related"].append(t)
        for page_id, art in found:
            headline = art["headline"][0]
            if 12 <= len(headline) <= 160:
                titles[headline] = None
            if headline and art["body"]:
                articles.append(
                    _Article(page_id, headline, tuple(art["bylines"]), tuple(art["body"]), tuple(art["related"]))
                )
    return articles, list(titles)


# --------------------------------------------------------------------------- builder


class _Builder:
    """Accumulates page text and spans; labelled pieces never hold leading/trailing space."""

    __slots__ = ("parts", "pos", "spans")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[LabelSpan] = []
        self.pos = 0

    def add(self, text: str, label: str) -> None:
        text = text.strip()
        if not text:
            return
        self.spans.append(LabelSpan(self.pos, self.pos + len(text), label))
        self.parts.append(text)
        self.pos += len(text)

    def space(self, ws: str) -> None:
        if self.parts and ws:
            self.parts.append(ws)
            self.pos += len(ws)

    def line(self, text: str, label: str, sep: str = "\n") -> None:
        """Add ``text`` on a new line (no separator before the first piece)."""
        self.space(sep)
        self.add(text, label)

    def inline(self, text: str, label: str, sep: str = " ") -> None:
        """Add ``text`` on the current line."""
        self.space(sep)
        self.add(text, label)

    def page(self, id: str, layout: str, sources: list[str]) -> LabelledPage:
        return LabelledPage(
            id=id,
            text="".join(self.parts) + "\n",
            spans=tuple(self.spans),
            site="composed",
            meta={"render": "composed", "layout": layout, "sources": sources},
        )


# --------------------------------------------------------------------------- composer


class _Composer:
    def __init__(self, rng: random.Random, articles: list[_Article], titles: list[str]) -> None:
        self.rng = rng
        self.articles = articles
        self.titles = titles or [a.headline for a in articles]
        self.site = rng.choice(_SITES)
        self.year = rng.randint(2019, 2026)
        self.used: list[str] = []
        self.on_page: list[str] = []
        self.remaining: list[int] = []

    # ---- small generators

    def pick_article(self) -> _Article:
        """A random article, not one already on this page while others remain."""
        if not self.remaining:
            self.remaining = list(range(len(self.articles)))
        i = self.remaining.pop(self.rng.randrange(len(self.remaining)))
        a = self.articles[i]
        self.used.append(a.page_id)
        self.on_page.append(a.headline)
        return a

    def gap(self) -> str:
        """Separator between blocks: usually one newline, sometimes blank lines."""
        r = self.rng.random()
        if r < 0.6:
            return "\n"
        if r < 0.85:
            return "\n\n"
        if r < 0.95:
            return "\n\n\n"
        return " \n"

    def junk(self) -> str:
        s = self.rng.choice(_JUNK)
        if "{" in s:
            s = s.format(site=self.site, year=self.year, n=self.rng.randint(1, 480))
        return s

    def name(self) -> str:
        return f"{self.rng.choice(_FIRST)} {self.rng.choice(_LAST)}"

    def sections(self) -> str:
        return ", ".join(self.rng.sample(_SECTIONS, self.rng.randint(1, 4)))

    def ago(self) -> str:
        r = self.rng.random()
        if r < 0.4:
            n = self.rng.randint(1, 59)
            return f"{n} minute{'s' if n > 1 else ''} ago"
        if r < 0.75:
            n = self.rng.randint(1, 23)
            return f"{n} hour{'s' if n > 1 else ''} ago"
        if r < 0.85:
            n = self.rng.randint(1, 6)
            return f"{n} day{'s' if n > 1 else ''} ago"
        if r < 0.92:
            return "Yesterday"
        return self.date()

    def clock(self, ampm: bool = False) -> str:
        if ampm:
            return f"{self.rng.randint(1, 12)}:{self.rng.randint(0, 59):02d} {self.rng.choice(('AM', 'PM'))}"
        return f"{self.rng.randint(0, 23):02d}:{self.rng.randint(0, 59):02d}"

    def date(self) -> str:
        month = self.rng.choice(_MONTHS)
        day = self.rng.randint(1, 28)
        r = self.rng.random()
        if r < 0.4:
            return f"{month} {day}, {self.year}"
        if r < 0.6:
            return f"{month[:3]} {day}, {self.year}"
        if r < 0.8:
            return f"{day} {month} {self.year}"
        return f"{self.year}-{_MONTHS.index(month) + 1:02d}-{day:02d}"

    def source_byline(self, source: str) -> str:
        """A one-line byline in one of many formats."""
        rng = self.rng
        r = rng.randrange(10)
        if r == 0:
            return f"{source.upper()} - {self.ago()} - {self.clock()} | {self.sections()}"
        if r == 1:
            return f"By {self.name()} | {self.date()}"
        if r == 2:
            return f"{self.name()}, {rng.choice(_ROLES)}"
        if r == 3:
            return (
                f"Updated {self.clock(True)} {rng.choice(_TZ)}, {rng.choice(_DAYS)} "
                f"{rng.choice(_MONTHS)} {rng.randint(1, 28)}, {self.year}"
            )
        if r == 4:
            return f"By {self.name()} and {self.name()}"
        if r == 5:
            return f"{source} | {self.date()} {self.clock()}"
        if r == 6:
            return f"Published {self.date()} · {rng.randint(2, 14)} min read"
        if r == 7:
            return f"{self.date()} at {self.clock(True)}"
        if r == 8:
            return f"By {self.name().upper()} {source}"
        return f"{source} · {self.ago()}"

    def main_bylines(self, a: _Article) -> list[str]:
        if a.bylines and self.rng.random() < 0.35:
            return list(a.bylines[:3])
        source = self.rng.choice(_SOURCES)
        out = [self.source_byline(source)]
        if self.rng.random() < 0.25:
            out.append(self.source_byline(source))
        return out

    def titles_for(self, a: _Article | None, k: int) -> list[str]:
        pool = list(a.related) if a is not None and a.related and self.rng.random() < 0.5 else []
        extra = [t for t in self.rng.sample(self.titles, min(len(self.titles), k + 2)) if t not in pool]
        pool.extend(extra)
        pool = [t for t in pool if t not in self.on_page]
        return pool[:k]

    def truncate(self, text: str, limit: int) -> str:
        if len(text) <= limit:
            return text
        cut = text.rfind(" ", 0, limit)
        if cut < limit // 2:
            cut = limit
        return text[:cut].rstrip(" ,;:") + self.rng.choice(_ELLIPSES)

    # ---- blocks

    def junk_run(self, b: _Builder, lo: int, hi: int) -> None:
        for _ in range(self.rng.randint(lo, hi)):
            b.line(self.junk(), JUNK, self.gap())

    def menu(self, b: _Builder) -> None:
        items = self.rng.sample(_MENU, self.rng.randint(4, 12))
        if self.rng.random() < 0.3:
            b.line(" | ".join(items), JUNK, self.gap())
        else:
            for item in items:
                b.line(item, JUNK)

    def related_list(self, b: _Builder, a: _Article | None) -> None:
        titles = self.titles_for(a, self.rng.randint(1, 5))
        if not titles:
            return
        header = self.rng.choice(_RELATED_HEADERS)
        if len(titles) == 1 and self.rng.random() < 0.4:
            # "Read more: Title" on one line.
            b.line(header, JUNK, self.gap())
            b.inline(titles[0], REL)
            return
        b.line(header, JUNK, self.gap())
        bullet = self.rng.random() < 0.15
        for t in titles:
            if bullet:
                b.line("•", JUNK)
                b.inline(t, REL)
            else:
                b.line(t, REL)

    def main_article(self, b: _Builder, a: _Article, *, ads: float = 0.0) -> None:
        b.line(a.headline, H, self.gap())
        for byline in self.main_bylines(a):
            b.line(byline, B)
        if self.rng.random() < 0.15:
            b.line(self.rng.choice(("Listen to this article", "5 min read", "Share", "Save")), JUNK)
        blank = self.rng.random() < 0.3
        paras = a.body[: self.rng.randint(3, 40)]
        for i, p in enumerate(paras):
            b.line(p, BODY, "\n\n" if blank else "\n")
            if ads and i + 1 < len(paras) and self.rng.random() < ads:
                b.line(
                    self.rng.choice(
                        (
                            "Advertisement",
                            "Story continues below",
                            "ADVERTISEMENT",
                            "Sponsored",
                            "Ad",
                            "Read more",
                            self.junk(),
                        )
                    ),
                    JUNK,
                )

    def collapsed_card(self, b: _Builder) -> None:
        """Source/time lines, headline, then the body collapsed onto one line."""
        rng = self.rng
        a = self.pick_article()
        source = rng.choice(_SOURCES)
        if rng.random() < 0.8:
            b.line(source, B, self.gap())
            b.line(self.ago(), B)
        else:
            b.line(self.ago(), B, self.gap())
            b.line(source, B)
        if rng.random() < 0.6:
            b.line(f"- {source}", B)
        b.line(a.headline, H)
        body = " ".join(a.body)
        prefix = rng.random() < 0.55
        if rng.random() < 0.45:
            body = self.truncate(body, rng.randint(140, 600))
        if prefix:
            b.line(f"{source.upper()} - {self.ago()} - {self.clock()} | {self.sections()}", B)
            b.inline(body, BODY)
        else:
            b.line(body, BODY)
        if rng.random() < 0.5:
            titles = self.titles_for(a, rng.randint(1, 4))
            if titles:
                b.inline(rng.choice(_RELATED_HEADERS[:4]), JUNK)
                for t in titles:
                    b.inline(t, REL)

    def simple_card(self, b: _Builder) -> None:
        """Headline, byline, short teaser (order varies)."""
        rng = self.rng
        a = self.pick_article()
        byline = self.source_byline(rng.choice(_SOURCES)) if rng.random() < 0.7 else self.ago()
        teaser = self.truncate(a.body[0], rng.randint(80, 320))
        order = rng.randrange(3)
        if order == 0:
            b.line(a.headline, H, self.gap())
            b.line(byline, B)
        elif order == 1:
            b.line(byline, B, self.gap())
            b.line(a.headline, H)
        else:
            b.line(a.headline, H, self.gap())
        b.line(teaser, BODY)
        if order == 2:
            b.line(byline, B)
        if rng.random() < 0.3:
            b.line(rng.choice(_TEASER_TAILS), JUNK)

    def title_list(self, b: _Builder, header_pool: tuple[str, ...]) -> None:
        b.line(self.rng.choice(header_pool), JUNK, self.gap())
        numbered = self.rng.random() < 0.3
        for i, t in enumerate(self.titles_for(None, self.rng.randint(3, 7)), start=1):
            if numbered:
                b.line(str(i), JUNK)
                b.inline(t, REL)
            else:
                b.line(t, REL)

    def footer(self, b: _Builder) -> None:
        if self.rng.random() < 0.5:
            self.menu(b)
        self.junk_run(b, 1, 4)
        b.line(f"© {self.year} {self.site}. All rights reserved.", JUNK, self.gap())

    # ---- layouts

    def layout_seed(self, b: _Builder) -> None:
        rng = self.rng
        if rng.random() < 0.4:
            self.menu(b)
        a = self.pick_article()
        self.main_article(b, a)
        if rng.random() < 0.85:
            self.related_list(b, a)
        self.junk_run(b, 1, 6)
        b.line(rng.choice(_CARD_SECTION_HEADERS) if rng.random() < 0.7 else f"More from {self.site}", JUNK, self.gap())
        if rng.random() < 0.3:
            b.space("\n\n")  # the seed page has blank lines after the section header
        for _ in range(rng.randint(1, 5)):
            if rng.random() < 0.75:
                self.collapsed_card(b)
            else:
                self.simple_card(b)
        if rng.random() < 0.5:
            self.junk_run(b, 1, 4)

    def layout_cards(self, b: _Builder) -> None:
        rng = self.rng
        if rng.random() < 0.6:
            self.junk_run(b, 1, 5)
        if rng.random() < 0.7:
            b.line(rng.choice(_CARD_SECTION_HEADERS), JUNK, self.gap())
        for _ in range(rng.randint(2, 7)):
            self.collapsed_card(b)
            if rng.random() < 0.15:
                b.line(self.junk(), JUNK, self.gap())
        if rng.random() < 0.5:
            self.footer(b)

    def layout_portal(self, b: _Builder) -> None:
        rng = self.rng
        self.menu(b)
        if rng.random() < 0.5:
            b.line(rng.choice(_CARD_SECTION_HEADERS), JUNK, self.gap())
        for _ in range(rng.randint(3, 9)):
            self.simple_card(b)
            if rng.random() < 0.15:
                b.line(self.junk(), JUNK, self.gap())
        if rng.random() < 0.6:
            self.title_list(b, _TRENDING_HEADERS)
        self.footer(b)

    def layout_embedded(self, b: _Builder) -> None:
        rng = self.rng
        self.junk_run(b, 0, 3)
        self.menu(b)
        if rng.random() < 0.6:
            b.line(rng.choice(_COOKIE_BANNERS).format(site=self.site), JUNK, self.gap())
            b.line(rng.choice(("Accept all", "Accept", "OK", "Got it", "I agree", "Allow all cookies")), JUNK)
        self.junk_run(b, 1, 5)
        if rng.random() < 0.4:
            b.line(rng.choice(_SECTIONS), JUNK, self.gap())
        a = self.pick_article()
        self.main_article(b, a, ads=0.25)
        if rng.random() < 0.5:
            b.line("Tags:", JUNK, self.gap())
            b.inline(", ".join(rng.sample(_SECTIONS, 3)), JUNK)
        self.junk_run(b, 2, 8)
        if rng.random() < 0.7:
            self.title_list(b, _TRENDING_HEADERS)
        if rng.random() < 0.4:
            self.related_list(b, a)
        self.junk_run(b, 1, 6)
        self.footer(b)

    def compose(self, layout: str) -> _Builder:
        b = _Builder()
        getattr(self, f"layout_{layout}")(b)
        return b


def compose_aggregator_pages(pages: list[LabelledPage], *, seed: int, n: int) -> list[LabelledPage]:
    """Build ``n`` synthetic aggregator pages from labelled single-article pages.

    Args:
        pages: labelled pages; those with a headline and body spans supply articles,
            and all headlines and related titles serve as related and teaser titles.
        seed: random seed; the same seed and input give the same pages.
        n: how many pages to build.

    Returns:
        Pages with ``site="composed"`` and ``meta`` holding ``render="composed"``,
        the ``layout`` and the ids of the ``sources`` pages used.

    Raises:
        ValueError: if ``n`` is negative or no page has both a headline and body.

    >>> from cleaner.samples import page_from_segments
    >>> src = [page_from_segments([("headline", f"Title number {i}"), ("byline", "By A. Writer"),
    ...                            ("body", f"Paragraph {i} of the story.")], id=str(i)) for i in range(3)]
    >>> out = compose_aggregator_pages(src, seed=1, n=4)
    >>> len(out), all(p.site == "composed" for p in out)
    (4, True)
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    articles, titles = _articles(pages)
    if n and not articles:
        raise ValueError("compose_aggregator_pages needs at least one page with headline and body spans")
    rng = random.Random(seed)
    out: list[LabelledPage] = []
    for i in range(n):
        layout = rng.choices(LAYOUTS, weights=_LAYOUT_WEIGHTS)[0]
        composer = _Composer(rng, articles, titles)
        builder = composer.compose(layout)
        sources = list(dict.fromkeys(composer.used))
        out.append(builder.page(f"composed/{seed}/{i:05d}-{layout}", layout, sources))
    return out
