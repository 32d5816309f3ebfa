"""The words that fill a message's fields, in the reader's language: "this demand", "web addresses", "one space".

Called when a problem is made (so in the language active then), never at import. A word takes the grammatical form
its messages need, which differs by language: each is marked with a pgettext context that says where it goes
("the block a key is in": Russian writes "в этом требовании" where English writes "this demand"). The messages
themselves are in messages.py.
"""
from __future__ import annotations

from .i18n import N_, _, counted, pgettext
from .model import STATUS_NAMES

# what the system (the C library) says when a file cannot be read or written, as OSError.strerror gives it
SYSTEM_REASONS = (N_("No such file or directory"), N_("Permission denied"), N_("Is a directory"),
                  N_("Not a directory"), N_("No space left on device"), N_("Read-only file system"),
                  N_("File name too long"), N_("Too many levels of symbolic links"), N_("Disk quota exceeded"),
                  N_("Input/output error"), N_("Operation not permitted"), N_("Device or resource busy"),
                  N_("No such device or address"))


def block_name(kind: str) -> str:
    """The block a key stands in, as unknown-key and missing-key say it: "this demand has no key 'x'"."""
    return {"file": pgettext("the block a key is in", "the file"),
            "resolution": pgettext("the block a key is in", "this resolution"),
            "demand": pgettext("the block a key is in", "this demand"),
            "entry": pgettext("the block a key is in", "this history entry")}[kind]


def item_name(kind: str) -> str:
    """An item of a list, as not-a-mapping says it: "each demand should be a block of 'key: value' lines"."""
    return {"resolution": pgettext("each … of a list", "resolution"),
            "demand": pgettext("each … of a list", "demand"),
            "entry": pgettext("each … of a list", "history entry")}[kind]


def id_owner(kind: str) -> str:
    """What an id names, as bad-id and duplicate-id say it: "the demand id 'x' is already used"."""
    return {"resolution": pgettext("the … id", "resolution"), "demand": pgettext("the … id", "demand")}[kind]


def list_content(kind: str) -> str:
    """What a list holds, as not-a-list says it: "'sources' should be a list of web addresses"."""
    return {"topics": pgettext("a list of …", "topic names"), "resolutions": pgettext("a list of …", "resolutions"),
            "demands": pgettext("a list of …", "demands"), "entries": pgettext("a list of …", "dated entries"),
            "addresses": pgettext("a list of …", "web addresses"),
            "ids": pgettext("a list of …", "demand ids")}[kind]


def spaces(count: int) -> str:
    """How far a line is off, as syntax.misplaced says it: "indented one space more"."""
    return counted(count, "one space", "{count} spaces")


def direction(off: int) -> str:
    """Which way a line is off, as syntax.misplaced says it: indented "more" (off > 0) or "less"."""
    return pgettext("indented … than the keys", "more") if off > 0 else pgettext("indented … than the keys", "less")


def in_revision(rev: str) -> str:
    """A git revision as demand-removed says it ("line 30 in the last commit (HEAD)"): other names are the user's."""
    return pgettext("in …", "the last commit (HEAD)") if rev == "HEAD" else rev


def since_revision(rev: str) -> str:
    """A git revision as history-rewritten says it ("moved since the last commit (HEAD)")."""
    return pgettext("since …", "the last commit (HEAD)") if rev == "HEAD" else rev


def system_reason(text: str) -> str:
    """What the system says of a file (OSError.strerror), in the reader's language when it is a SYSTEM_REASON."""
    return _(text) if text in SYSTEM_REASONS else text


def list_separator() -> str:
    """What stands between the items of a list of values: ", "."""
    return pgettext("between the items of a list", ", ")


def statuses() -> str:
    """The six statuses as the file spells them, for `{statuses}`: "pending, in-progress, ..."."""
    return list_separator().join(STATUS_NAMES)
