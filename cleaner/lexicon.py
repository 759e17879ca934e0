"""What credits, names, dates and titles look like: the project's one lexicon.

Every stage that asks "is this an author credit?", "is this a month?", "how many
words is this?" asks here, so that the byline parser, the decoding rules, the headline
ranker and the page metadata reader agree. ``tests/test_lexicon.py`` pins it, with
cases in English, German, French, Spanish, Italian, Portuguese, Dutch, Japanese and
Chinese.

* :data:`CREDIT_PREFIXES`: the words that credit an author before a name, by language
  ("By", "Von", "Par", "Por", "Di", "Door", "Autorin:", "Reported by" ...), and
  :func:`credit_prefix`, which finds one at the start of a line;
* :data:`FORUM_CREDITS`: the credits of a forum post, followed by a user name, and
  :data:`EDITOR_CREDITS`, an editor's;
* :data:`CREDIT_CUES`: which of those credits each stage that finds a credit in a
  context of its own looks for, :data:`SEGMENT_BYLINE_CUES` the ones the segmenter cuts
  a line at, :data:`DATE_CUES` and :data:`BYLINE_OPENERS` the words a byline's date or a
  byline after a title opens with, and :func:`credit_alternation`, which writes them
  into a regular expression;
* :data:`RELATED_HEADERS`: headers of lists of other articles, by language ("Related
  coverage", "Lesen Sie auch", "Lire aussi", "関連記事"), and
  :data:`SEGMENT_RELATED_HEADERS`, the ones the segmenter cuts a line at;
* :data:`MONTHS`: month names and abbreviations to their numbers, in the languages of
  the training data;
* :func:`count_words`: words as a reader counts them, where each character of a
  script written without spaces (Chinese, Japanese) counts as a word, and
  :data:`UNSPACED`, the scripts written without spaces between words;
* :data:`NAME_PARTICLES`: lower-case words inside a person's name ("van", "de", "bin");
* :data:`ROLE_WORDS`, :data:`DESK_WORDS`, :data:`INTERFACE_WORDS` and :data:`WEEKDAYS`,
  by language: words that stand next to a name in a byline but are never part of a
  person's name (a role, a desk or agency, a button or menu, a day), and
  :func:`not_name_word`, which asks all four;
* :data:`INVISIBLE_MARKS` and :func:`strip_invisible`: characters a reader never sees
  that split words for a machine (soft hyphens, zero-width spaces);
* :func:`tidy_name`: a name without the pictographs a profile puts in it ("Jenny
  Smith ❤️").
"""

from __future__ import annotations

import re

__all__ = [
    "BYLINE_OPENERS",
    "CJK_SENTENCE_ENDS",
    "CREDIT_CUES",
    "CREDIT_PREFIXES",
    "DATE_CUES",
    "DATE_START",
    "DESK_WORDS",
    "EDITOR_CREDITS",
    "FEATURE_CREDIT_PREFIXES",
    "FEATURE_MONTHS",
    "FORUM_CREDITS",
    "INTERFACE_WORDS",
    "INVISIBLE_MARKS",
    "MONTHS",
    "MONTH_PATTERN",
    "NAME_PARTICLES",
    "NEWS_AGENCIES",
    "READ_TIME",
    "RELATED_HEADERS",
    "ROLE_WORDS",
    "SEGMENT_BYLINE_CUES",
    "SEGMENT_RELATED_HEADERS",
    "SENTENCE_END_MARKS",
    "TOKEN_RE",
    "UNSPACED",
    "WEEKDAYS",
    "WORD_RE",
    "count_words",
    "credit_alternation",
    "credit_prefix",
    "has_invisible",
    "is_cjk",
    "not_name_word",
    "span_words",
    "strip_invisible",
    "tidy_name",
    "words_of",
]

CREDIT_PREFIXES: dict[str, tuple[str, ...]] = {
    "en": (
        "by",
        "written by",
        "words by",
        "story by",
        "reported by",
        "text by",
        "recipe by",
        "interview by",
        "article by",
        "review by",
        "photos by",
        "photo by",
        "posted by",
        "author",
        "authors",
        "reporter",
        "additional reporting by",
        "author of the article",
        "thread starter",
        "started by",
        "post by",
        "submitted by",
    ),
    "de": ("von", "autor", "autorin", "autorin/autor", "autoren", "text", "ein beitrag von", "verfasst von"),
    "fr": ("par", "auteur", "auteure", "rédigé par", "propos recueillis par"),
    "es": ("por", "autor", "autora", "escrito por"),
    "it": ("di", "a cura di", "autore", "autrice", "scritto da"),
    "pt": ("por", "autor", "autora", "escrito por"),
    "nl": ("door", "auteur"),
    "ja": ("文", "記者", "著者"),
    "zh": ("作者", "记者", "文", "編輯", "编辑"),
}
"""Words that credit an author before a name, by language (lower case)."""

FORUM_CREDITS: tuple[str, ...] = ("thread starter", "started by", "post by", "posted by")
"""Credits of a forum post; a user name follows ("Thread starter jdoe42")."""

EDITOR_CREDITS: tuple[str, ...] = ("reviewed by", "edited by")
"""Credits of an editor or a reviewer: a byline starts at one, but the name after it is
not the article's author (lower case)."""

CREDIT_CUES: dict[str, tuple[str, ...]] = {
    "explicit": (
        "written by",
        "recipe by",
        "story by",
        "words by",
        "reported by",
        "interview by",
        "text by",
        "article by",
        "review by",
        "by",
        "von",
    ),
    "glued": ("by", "von", "par", "por"),
    "after-date": ("by", "von", "par", "por"),
    "inside-line": (
        "by",
        "von",
        "written by",
        "words by",
        "interview by",
        "text by",
        "story by",
        "reported by",
        "posted by",
        "autorin/autor",
        "autorin",
        "autor",
    ),
    "trailing": ("written by", "posted by", "reported by", "words by", "story by"),
}
"""The credits (lower case, from :data:`CREDIT_PREFIXES` and :data:`FORUM_CREDITS`) that
each place which finds a credit in its own context looks for; the context (the case
a credit is written in, what stands before and after it) is that place's:

* ``explicit``: a short line that credits an author in so many words ("Interview by
  Jane Doe", :func:`cleaner.pipeline.byline_rules.prefixed_author`), besides
  :data:`FORUM_CREDITS`;
* ``glued``: a capitalised credit that rendering ran onto the name ("ByKathy Owen",
  :mod:`cleaner.bylines`);
* ``after-date``: a credit after a date or a mark inside a byline ("May 21, 2025 by
  The Ritualist", :mod:`cleaner.bylines`);
* ``inside-line``: a capitalised credit inside a line no cut split ("Uhr Von: Jane
  Doe", :func:`cleaner.bylines.credited_author`);
* ``trailing``: a credit a collapsed rendering ran onto the end of a title ("... Is
  Done Written By Jane Doe", :mod:`cleaner.pipeline.assemble`).

``tests/test_lexicon.py`` checks that every one is a credit of this lexicon."""

SEGMENT_BYLINE_CUES: tuple[str, ...] = (
    "By",
    "by",
    "Written By",
    "Written by",
    "Reviewed By",
    "Reviewed by",
    "Edited By",
    "Edited by",
    "di",
    "von",
    "par",
    "por",
    "Von",
    "Par",
    "Por",
)
"""The credits, as written (case counts), before which the segmenter cuts a line where a
name follows ("Storm hits coast By Jane Doe"): the shipped model's training data was
segmented with them, so changing them needs a rebuild (``python -m training.train``).

>>> sorted({c.lower() for c in SEGMENT_BYLINE_CUES} - {c for cs in CREDIT_PREFIXES.values() for c in cs})
['edited by', 'reviewed by']
"""

DATE_CUES: tuple[str, ...] = ("last updated", "updated", "published", "posted")
"""Words that open a byline's date ("Updated 5:18 PM", "Published March 25, 2023"),
lower case."""

BYLINE_OPENERS: tuple[str, ...] = (
    "by ",
    "von ",
    "vor ",
    "par ",
    "por ",
    "am ",
    "on ",
    "um ",
    "updated",
    "published",
    "posted",
)
"""Lower-case words with which a byline starts right after a title on one line ("Storm
hits coast by Jane Doe", "... vor 2 Stunden", "... am 3. Mai"): credits, the words
before a date, :data:`DATE_CUES`. :mod:`cleaner.pipeline.read` cuts a known title off there."""


def credit_alternation(credits: tuple[str, ...], *, cases: tuple[str, ...] = ("lower",)) -> str:
    """A regular expression's alternation of ``credits`` (lower case) in each of
    ``cases``: ``"lower"`` ("written by"), ``"capital"`` ("Written by"), ``"title"``
    ("Written By"), ``"upper"`` ("WRITTEN BY"); the longest first, so that a credit
    is not matched by a shorter one it starts with ("Autorin" before "Autor").

    >>> credit_alternation(("by", "von"), cases=("capital", "upper"))
    'Von|VON|By|BY'
    """
    forms: dict[str, None] = {}
    for credit in credits:
        for case in cases:
            if case == "lower":
                form = credit
            elif case == "capital":
                form = credit[:1].upper() + credit[1:]
            elif case == "title":
                form = " ".join(w[:1].upper() + w[1:] for w in credit.split(" "))
            elif case == "upper":
                form = credit.upper()
            else:
                raise ValueError(f"unknown case {case!r}: lower, capital, title or upper")
            forms.setdefault(form, None)
    ordered = sorted(forms, key=len, reverse=True)
    return "|".join(re.escape(f) for f in ordered)


FEATURE_CREDIT_PREFIXES: tuple[str, ...] = ("by ", "von ", "par ", "por ", "written by", "author")
"""The credit prefixes of the block classifier's ``by_prefix`` feature, as the shipped
model was trained with them (:mod:`cleaner.pipeline.featurize`): changing them needs a rebuild."""

_ENGLISH_MONTH_STARTS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
FEATURE_MONTHS: dict[str, tuple[str, ...]] = {
    "before-day": _ENGLISH_MONTH_STARTS,
    "after-day": (*_ENGLISH_MONTH_STARTS, "januar", "februar", "märz", "mai", "juni", "juli", "okt", "dez"),
}
"""The month names of the block classifier's date features (:mod:`cleaner.pipeline.featurize`)
and of the segmenter's cut before a date (:mod:`cleaner.pipeline.segment`, capitalised), as
the shipped model's training data was built with them (changing them needs a rebuild):
before a day ("Jan. 14", the name's start, any ending) and after one ("14. Januar").
Every one is a month of :data:`MONTHS`, which the byline parser reads."""

NAME_PARTICLES: frozenset[str] = frozenset("van von de der den da di del della la le bin al du dos das ten ter".split())
"""Lower-case words that stand inside a person's name ("Ursula von der Leyen")."""

ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "en": tuple(
        "chief architect founder co-founder cofounder ceo cto cfo director manager officer president "
        "consultant former senior head lead principal partner analyst owner".split()
    ),
    "de": ("korrespondent", "korrespondentin", "redakteur", "redakteurin", "chefredakteur", "chefredakteurin"),
    "fr": ("correspondant", "correspondante", "rédacteur", "rédactrice"),
    "es": ("corresponsal", "redactor", "redactora"),
    "it": ("corrispondente", "redattore", "redattrice", "inviato", "inviata"),
}
"""Words of a role or a title, by language: never part of a person's name ("Preetam
Jinka Co-founder and Chief Architect", "Ulrich ExnerKorrespondent"); a name stops
before one."""

DESK_WORDS: dict[str, tuple[str, ...]] = {
    "en": tuple(
        "staff team press writer writers desk newsroom editor editors reporter reporters correspondent "
        "agency agencies associated reuters news contributor contributors admin administrator webmaster "
        "moderator guest anonymous user university customer customers".split()
    ),
    "de": ("redaktion", "gast", "unbekannt"),
    "fr": ("rédaction", "invité", "inconnu"),
    "es": ("redacción", "invitado", "anónimo"),
    "it": ("redazione", "ospite", "anonimo"),
    "ru": ("редакция", "гость"),
}
"""Words of a credit that names a desk or an agency, not a person ("Reuters Staff",
"AP National Security Writer", "Our Foreign Staff")."""

NEWS_AGENCIES: tuple[str, ...] = tuple("reuters ap afp dpa bloomberg ansa efe sda apa kyodo xinhua upi pa aap".split())
"""News agencies whose one-word name may be a story's whole credit ("Von dpa", "By AFP"),
lower case."""

INTERFACE_WORDS: dict[str, tuple[str, ...]] = {
    "en": tuple(
        "share shares save email e-mail sms facebook facebook-f twitter linkedin whatsapp pinterest reddit "
        "telegram instagram youtube tiktok login logout signup subscribe newsletter newsletters comments "
        "comment feedbacks bookmark tweet retweet account profile back category categories blog update updates "
        "members info session".split()
    ),
    "de": tuple(
        "teilen twittern senden drucken suchen anmelden abmelden abonnieren kommentare kommentieren "
        "merken gutscheine kleinanzeigen werbung newsletter folgen weiterlesen konto profil lesen hören artikel "
        "nachrichten aktuelle neueste vergleich schwerpunkt".split()
    ),
    "fr": (
        "partager",
        "commentaires",
        "imprimer",
        "abonnez-vous",
        "publié",
        "publiée",
        "modifié",
        "modifiée",
        "suivre",
        "connexion",
    ),
    "es": ("compartir", "comentarios", "imprimir", "suscríbete", "publicado", "actualizado"),
    "it": ("condividi", "commenti", "stampa", "pubblicato", "aggiornato"),
    "pt": ("partilhar", "compartilhar", "comentários", "publicado", "atualizado"),
    "nl": ("delen", "reacties"),
    "tr": ("paylaş", "görüntüle", "yorumlar"),
    "id": ("bagikan", "lainnya", "komentar"),
    "ru": ("поделиться", "войти", "подписаться", "комментарии"),
    "ja": ("ログイン", "シェア", "コメント"),
}
"""Words of buttons, menus and sharing bars, and of the "published" or "updated" a
byline runs on with, by language (lower case): a phrase holding one is not a person's
name ("SMS Facebook Twitter Email", "Teilen Twittern Senden", "Bertrand Bissuel
Publié")."""

WEEKDAYS: dict[str, tuple[str, ...]] = {
    "en": ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    "de": ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    "it": ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"),
    "pt": ("segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira"),
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
}
"""Names of the days of the week, by language (lower case): a byline's date may open
with one ("APA Donnerstag", "Jane Doe Monday, 3 March")."""


def words_of(*tables: dict[str, tuple[str, ...]]) -> frozenset[str]:
    """The words of the given tables of words by language, all languages together."""
    return frozenset(w for table in tables for words in table.values() for w in words)


_NOT_NAME = words_of(ROLE_WORDS, DESK_WORDS, INTERFACE_WORDS, WEEKDAYS)


def not_name_word(word: str) -> bool:
    """Whether a word (any case, "," and "." around it ignored) is one of a role, a desk,
    a button or a day: never part of a person's name.

    >>> [not_name_word(w) for w in ("Korrespondent", "Twitter", "Donnerstag", "Publié", "Jane")]
    [True, True, True, True, False]
    """
    return word.strip(",.:;").lower() in _NOT_NAME


RELATED_HEADERS: dict[str, tuple[str, ...]] = {
    "en": (
        "related",
        "related coverage",
        "related stories",
        "related articles",
        "related news",
        "related content",
        "related posts",
        "read more",
        "read also",
        "read next",
        "see also",
        "more stories",
        "more news",
        "top stories",
        "recommended",
        "recommended for you",
        "you may also like",
        "you might also like",
        "also read",
    ),
    "de": (
        "lesen sie auch",
        "mehr zum thema",
        "weitere artikel",
        "das könnte sie auch interessieren",
        "auch interessant",
        "meistgelesen",
        "häufig gelesen",
    ),
    "fr": ("à lire aussi", "lire aussi", "à lire également", "sur le même sujet", "articles liés"),
    "es": ("te puede interesar", "lee también", "noticias relacionadas", "te recomendamos"),
    "it": ("leggi anche", "potrebbe interessarti", "articoli correlati"),
    "pt": ("leia também", "veja também", "notícias relacionadas", "saiba mais"),
    "nl": ("lees ook", "meer nieuws", "gerelateerde artikelen"),
    "ru": ("читайте также", "по теме"),
    "ja": ("関連記事", "あわせて読みたい"),
    "zh": ("相关新闻", "相关阅读", "相關新聞", "延伸阅读"),
}
"""Headers of lists of other articles, by language (lower case): the titles listed
after one are related items (:mod:`cleaner.pipeline.line_rules`)."""

SEGMENT_RELATED_HEADERS: tuple[str, ...] = (
    "Related coverage",
    "Related stories",
    "Related articles",
    "Related",
    "Read more",
    "See also",
    "More",
)
"""The headers, followed by a colon, before which the segmenter cuts a line that runs a
list on from the text before it ("... the EU. Related coverage: Title one ..."), as
the shipped model's training data was segmented with them: changing them needs a
rebuild (``python -m training.train``)."""


MONTHS: dict[str, int] = {
    name: i + 1
    for i, names in enumerate(
        [
            "january jan januar janvier enero gennaio janeiro januari",
            "february feb februar février febrero febbraio fevereiro februari",
            "march mar märz mars marzo março maart",
            "april apr avril abril aprile",
            "may mai mayo maggio maio mei",
            "june jun juni juin junio giugno junho",
            "july jul juli juillet julio luglio julho",
            "august aug août agosto augustus",
            "september sep sept septembre septiembre settembre setembro",
            "october oct okt oktober octobre octubre ottobre outubro",
            "november nov novembre noviembre novembro",
            "december dec dezember décembre diciembre dicembre dezembro dez",
        ]
    )
    for name in names.split()
}
"""Month names and abbreviations (lower case) to month numbers."""

MONTH_PATTERN = "|".join(sorted(MONTHS, key=len, reverse=True))
"""An alternation of :data:`MONTHS`, longest first, for regular expressions."""

DATE_START = re.compile(
    rf"(?i)(?:(?:{MONTH_PATTERN})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b,?(?:\s+(?:19|20)\d\d\b)?"
    rf"|\d{{1,2}}\.?\s+(?:{MONTH_PATTERN})\b\.?(?:\s+(?:19|20)\d\d\b)?"
    r"|(?:19|20)\d\d-\d{1,2}-\d{1,2}\b|\d{1,2}[./]\d{1,2}[./](?:19|20)\d\d\b)"
)
"""A date as a byline writes it, the year optional ("Jan. 14", "14. Januar 2026",
"2026-01-14", "14/01/2026"); ``match`` it at the start of a text, ``search`` within one.
(:mod:`cleaner.bylines` reads dates with a year into ISO form.)"""

READ_TIME = re.compile(r"(?i)\d+(?:\s*[–-]\s*\d+)?\s*(?:min|mins|minutes?)\b(?:\s+read\b)?(?:\s+time\b)?")
"""A reading time ("4 min read", "2–3 minutes", "20 Mins Read")."""

_ALL_CREDITS = sorted({p for ps in CREDIT_PREFIXES.values() for p in ps}, key=len, reverse=True)


def is_cjk(ch: str) -> bool:
    """Whether a character belongs to a script written without spaces between words
    (Han, Hiragana, Katakana; Hangul is written with spaces and is not one).

    >>> is_cjk("漢"), is_cjk("か"), is_cjk("a"), is_cjk("한")
    (True, True, False, False)
    """
    o = ord(ch)
    return (
        0x3040 <= o <= 0x30FF  # Hiragana, Katakana
        or 0x3400 <= o <= 0x4DBF  # CJK Extension A
        or 0x4E00 <= o <= 0x9FFF  # CJK Unified Ideographs
        or 0xF900 <= o <= 0xFAFF  # CJK Compatibility Ideographs
        or 0x20000 <= o <= 0x2FA1F  # Extensions B-F, compatibility supplement
    )


_CJK_CLASS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"  # as is_cjk
_WORD_OR_CJK = re.compile(rf"[{_CJK_CLASS}]|[^\s{_CJK_CLASS}]+")
WORD_RE = _WORD_OR_CJK
"""A word as a reader counts it (:func:`count_words`): a run of characters between
spaces, or one character of Chinese or Japanese script."""
UNSPACED = re.compile(f"[{_CJK_CLASS}\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]")
"""A character of a script written without spaces between words: Chinese and
Japanese (:func:`is_cjk`), Thai and Lao, Burmese, Khmer. A title in one has no words
to count or compare (Korean is written with spaces)."""
TOKEN_RE = re.compile(rf"[{_CJK_CLASS}]|[^\W{_CJK_CLASS}]+")
"""A word without its punctuation (a run of word characters, or one character of
Chinese or Japanese script), as body word-F1 compares texts."""


def count_words(text: str) -> int:
    """Words in ``text`` as a reader counts them: runs of characters between spaces,
    where each character of Chinese or Japanese script is a word of its own.

    >>> count_words("The cat sat."), count_words("東京で会議"), count_words("Tokyo 東京")
    (3, 5, 3)
    """
    return len(_WORD_OR_CJK.findall(text))


_CJK = re.compile(f"[{_CJK_CLASS}]")
_CHARS_PER_SPACED_WORD = 8
"""A span has more characters a word than this (words counted by its spaces) before
it is searched for Chinese or Japanese characters: spaced scripts average about 6
(word and space), so the search is left out where it cannot matter."""

CJK_SENTENCE_ENDS = "。！？"
"""Full stop, exclamation and question marks of Chinese and Japanese, which end a
sentence as ``.``, ``!`` and ``?`` do; every module's set of sentence ends holds them."""

SENTENCE_END_MARKS: frozenset[str] = frozenset('.!?"”’)' + CJK_SENTENCE_ENDS)
"""The last characters of a unit that ends a sentence: a stop, the marks of
:data:`CJK_SENTENCE_ENDS`, or a closing quote or bracket after one (the features, the
decode rules and the article filter read them)."""


def span_words(text: str, start: int = 0, end: int | None = None) -> int:
    """Words of ``text[start:end]`` as cleaner counts them: its spaces plus one, and
    in a span of Chinese or Japanese script :func:`count_words`, where each such
    character is a word (a paragraph of Japanese has no spaces: counted by its spaces
    it is one word, as long as a menu entry).

    >>> span_words("The cat sat."), span_words("東京で会議が開かれた。"), span_words("ab cd", 3)
    (3, 11, 1)
    """
    stop = len(text) if end is None else end
    n = text.count(" ", start, stop) + 1
    if stop - start > _CHARS_PER_SPACED_WORD * n and _CJK.search(text, start, stop):
        return count_words(text[start:stop])
    return n


INVISIBLE_MARKS = "\u00ad\u180e\u200b\u2060\u2061\u2062\u2063\u2064\ufeff"
"""Characters that are not shown and do not separate words: the soft hyphen (U+00AD,
a hyphenation hint: "Wäh\u00adrend" reads "Während"), the Mongolian vowel separator
(U+180E, formerly a space), the zero-width space (U+200B), the word joiner (U+2060),
the invisible mathematical operators (U+2061-2064) and the zero-width no-break space
(U+FEFF, a byte-order mark inside text). The zero-width non-joiner and joiner
(U+200C, U+200D) are not among them: they spell words in Persian and Indic scripts
("می\u200cخواهم") and join emoji, and dropping them changes what a reader sees."""

_INVISIBLE_TABLE = dict.fromkeys(map(ord, INVISIBLE_MARKS))
_HAS_INVISIBLE = re.compile(f"[{INVISIBLE_MARKS}]")


def strip_invisible(text: str) -> str:
    """``text`` without :data:`INVISIBLE_MARKS` (the same object when it has none).

    >>> strip_invisible("Wäh\u00adrend der Sit\u200bzung")
    'Während der Sitzung'
    """
    if _HAS_INVISIBLE.search(text) is None:
        return text
    return text.translate(_INVISIBLE_TABLE)


# Pictographs and dingbats ("❤️", "✍", "📝"): a profile's decoration, never part of a name
_PICTOGRAPH = "\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff"
# a pictograph with the joiners and selectors that follow it (a joiner elsewhere spells
# a word: Malayalam and Sinhala write with it)
_PICTOGRAPHS = re.compile(f"[{_PICTOGRAPH}](?:[\ufe0e\ufe0f\u200d{_PICTOGRAPH}])*")


def tidy_name(text: str) -> str:
    """A name without the pictographs a profile decorates it with, white space
    normalised.

    >>> tidy_name("Jenny Smith ❤️")
    'Jenny Smith'
    """
    return " ".join(_PICTOGRAPHS.sub(" ", text).split())


def has_invisible(text: str) -> bool:
    """Whether ``text`` holds one of :data:`INVISIBLE_MARKS`."""
    return _HAS_INVISIBLE.search(text) is not None


_SPACED_CREDITS = [p for p in _ALL_CREDITS if not any(is_cjk(c) for c in p)]
_CJK_CREDITS = [p for p in _ALL_CREDITS if any(is_cjk(c) for c in p)]
# Credits that are everyday words too need a colon ("Text: Jane Doe", not "Text messages").
COLON_ONLY: frozenset[str] = frozenset({"text"})
# Credits that are names too when capitalised count in lower case only ("di Mario
# Rossi", but "Di Wang" is a name).
LOWER_ONLY: frozenset[str] = frozenset({"di"})
# A spaced credit needs a colon or a space after it ("Autorin: Jane Doe", "di Mario
# Rossi"); a CJK one a colon, a slash or a middle dot ("作者：张三", "文/李四").
_CREDIT = re.compile(
    r"(?i)\s*(?:(?:"
    + "|".join(
        f"(?-i:{re.escape(p)})" if p in LOWER_ONLY else re.escape(p) for p in _SPACED_CREDITS if p not in COLON_ONLY
    )
    + r")(?:\s*:\s*|\s+)|(?:"
    + "|".join(re.escape(p) for p in COLON_ONLY)
    + r")\s*:\s*|(?:"
    + "|".join(re.escape(p) for p in _CJK_CREDITS)
    + r")\s*[:：/／・·]\s*)"
)


def credit_prefix(line: str) -> int | None:
    """Where the name starts after an author credit that opens ``line`` (None: the line
    opens with no credit of :data:`CREDIT_PREFIXES`).

    >>> [credit_prefix(x) for x in ("By Jane Doe", "Autorin: Jane Doe", "di Mario Rossi", "作者：张三")]
    [3, 9, 3, 3]
    >>> credit_prefix("Bystander says"), credit_prefix("Text messages"), credit_prefix("Text: Jane Doe")
    (None, None, 6)
    >>> credit_prefix("Di Wang")
    """
    m = _CREDIT.match(line)
    return None if m is None else m.end()
