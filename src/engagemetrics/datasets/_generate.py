"""A deterministic generator of synthetic social accounts (follow graph, posts, likes)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..archive import Archive
from ..exceptions import InvalidArgumentError

__all__ = ["PLATFORMS", "demo", "generate_account"]

PLATFORMS = ("twitter", "bluesky", "mastodon", "instagram", "linkedin")

# X's snowflake epoch (2010-11-04T01:42:54.657Z), in milliseconds.
TWITTER_EPOCH_MS = 1288834974657
BASE32_SORTABLE = "234567abcdefghijklmnopqrstuvwxyz"
_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"
# Invented, reserved-for-examples server names: no real instance is named.
_MASTODON_DOMAINS = ("social.example", "toot.example.org", "fedi.example.net", "masto.example.com")

_ONSETS = (*"b d f g k l m n p r s t v z j h br tr st sh ch".split(), "")
_VOWELS = ("a", "e", "i", "o", "u", "a", "e", "i", "o", "ai", "ia", "ou")
_CODAS = ("", "", "", "", "", "n", "r", "s", "l", "m", "k")
_WORDS = tuple(
    "data graph notes coffee morning paper draft thread ideas garden music bikes trains python "
    "pandas maps rain tea weekend review talk slides code books walk city lunch model bug fix "
    "release workshop question answer plots sky".split()
)
_EXTRAS = ("&", "<3", "->", "café", "naïve", "🙂", "🎉", "über", "→")


def _syllable_names(
    rng: np.random.Generator, n: int, min_syl: int = 2, max_syl: int = 3
) -> list[str]:
    """``n`` pronounceable invented words (not guaranteed unique)."""
    n_syl = rng.integers(min_syl, max_syl + 1, size=n)
    total = int(n_syl.sum())
    onset = rng.integers(0, len(_ONSETS), size=total)
    vowel = rng.integers(0, len(_VOWELS), size=total)
    coda = rng.integers(0, len(_CODAS), size=total)
    syllables = [
        _ONSETS[o] + _VOWELS[v] + _CODAS[c] for o, v, c in zip(onset, vowel, coda, strict=True)
    ]
    out: list[str] = []
    pos = 0
    for k in n_syl:
        out.append("".join(syllables[pos : pos + int(k)]))
        pos += int(k)
    return out


def _unique(names: list[str], rng: np.random.Generator, limit: int | None = None) -> list[str]:
    """Make names unique by appending digits, as users do when a handle is taken."""
    seen: set[str] = set()
    out = []
    for name in names:
        base = name[:limit] if limit else name
        candidate = base
        while candidate in seen:
            suffix = str(int(rng.integers(1, 1000)))
            candidate = (base[: limit - len(suffix)] if limit else base) + suffix
        seen.add(candidate)
        out.append(candidate)
    return out


def _encode_base32(value: int, alphabet: str, length: int) -> str:
    chars = []
    for _ in range(length):
        chars.append(alphabet[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def tid(microseconds: int, clock_id: int = 0) -> str:
    """An AT Protocol TID (13 base32-sortable chars) for a time in Unix microseconds.

    Examples
    --------
    >>> t = tid(1_735_689_600_000_000)
    >>> len(t), t < tid(1_735_689_600_000_001)
    (13, True)
    """
    return _encode_base32((int(microseconds) << 10) | (int(clock_id) & 1023), BASE32_SORTABLE, 13)


def _unique_ints(values: np.ndarray) -> np.ndarray:
    """Bump duplicates (after sorting) by one until all values differ; keeps the order."""
    values = values.astype(np.int64).copy()
    while True:
        order = np.argsort(values, kind="stable")
        sorted_values = values[order]
        dup = np.zeros(len(values), dtype=bool)
        dup[1:] = sorted_values[1:] == sorted_values[:-1]
        if not dup.any():
            return values
        values[order[dup]] += 1


class _Ids:
    """Platform-shaped ids for accounts and posts."""

    def __init__(self, platform: str, rng: np.random.Generator) -> None:
        self.platform = platform
        self.rng = rng

    def accounts(self, n: int, handles: list[str]) -> tuple[list[str], list[str]]:
        """Account ids and platform handles for ``n`` accounts with base names ``handles``."""
        rng = self.rng
        p = self.platform
        if p in ("twitter", "linkedin"):
            # X ids: early accounts have short sequential ids, newer ones are snowflakes.
            legacy = rng.random(n) < 0.4
            created = rng.integers(
                pd.Timestamp("2012-01-01").value // 10**6,
                pd.Timestamp("2025-06-01").value // 10**6,
                size=n,
            )
            snow = ((created - TWITTER_EPOCH_MS) << 22) | rng.integers(0, 2**22, size=n)
            short = rng.integers(10**6, 4 * 10**9, size=n)
            raw = _unique_ints(np.where(legacy, short, snow))
            ids = [str(v) for v in raw]
            if p == "linkedin":
                ids = [
                    f"https://www.linkedin.com/in/{h.replace('_', '-')}-{v % 10**8:08x}"
                    for h, v in zip(handles, raw, strict=True)
                ]
                return ids, [i.rsplit("/", 1)[1] for i in ids]
            return ids, handles
        if p == "bluesky":
            letters = rng.integers(0, 32, size=(n, 24))
            ids = ["did:plc:" + "".join(_BASE32[c] for c in row) for row in letters]
            return ids, [f"{h.replace('_', '-')}.bsky.social" for h in handles]
        if p == "mastodon":
            dom = rng.integers(0, len(_MASTODON_DOMAINS), size=n)
            ids = [
                f"https://{_MASTODON_DOMAINS[d]}/users/{h}"
                for h, d in zip(handles, dom, strict=True)
            ]
            return ids, [f"{h}@{_MASTODON_DOMAINS[d]}" for h, d in zip(handles, dom, strict=True)]
        # instagram: the username is the only identity an export reveals
        return list(handles), list(handles)

    def posts(
        self, authors: np.ndarray, times: pd.DatetimeIndex, account_ids: list[str]
    ) -> list[str]:
        """Post ids for posts by account indices ``authors`` created at ``times``."""
        rng = self.rng
        n = len(authors)
        ms = np.asarray(times.asi8 // 10**6, dtype=np.int64)
        if self.platform == "bluesky":
            micro = np.asarray(times.asi8 // 10**3, dtype=np.int64) + rng.integers(0, 1000, size=n)
            micro = _unique_ints(micro)
            clock = rng.integers(0, 1024, size=n)
            return [
                f"at://{account_ids[a]}/app.bsky.feed.post/{tid(int(u), int(c))}"
                for a, u, c in zip(authors, micro, clock, strict=True)
            ]
        if self.platform == "mastodon":
            # Mastodon status ids: milliseconds << 16 plus a sequence (18 digits in 2025).
            raw = _unique_ints((ms << 16) | rng.integers(0, 2**16, size=n))
            return [f"{account_ids[a]}/statuses/{v}" for a, v in zip(authors, raw, strict=True)]
        raw = _unique_ints(((ms - TWITTER_EPOCH_MS) << 22) | rng.integers(0, 2**22, size=n))
        return [str(v) for v in raw]


def _sample_without_replacement(
    rng: np.random.Generator, pool: np.ndarray, weights: np.ndarray, size: int
) -> np.ndarray:
    size = min(size, len(pool))
    if size == 0:
        return pool[:0]
    p = weights / weights.sum()
    return rng.choice(pool, size=size, replace=False, p=p)


def _times(
    rng: np.random.Generator, n: int, start: pd.Timestamp, end: pd.Timestamp, precision: str
) -> pd.DatetimeIndex:
    """``n`` sorted times in [start, end) with a day/night rhythm."""
    days = int((end - start) / pd.Timedelta(days=1))
    day = rng.integers(0, max(days, 1), size=n)
    # More activity in the (UTC) afternoon and evening than at night.
    hour_weights = np.fromstring(
        "1 .6 .4 .3 .3 .5 1 2 3 3.5 3.5 3.5 4 4 4 4 4.5 5 5 5 4.5 4 3 2", sep=" "
    )
    hour = rng.choice(24, size=n, p=hour_weights / hour_weights.sum())
    seconds = rng.integers(0, 3600, size=n)
    ms = rng.integers(0, 1000, size=n) if precision == "ms" else np.zeros(n, dtype=np.int64)
    offset = ((day * 24 + hour) * 3600 + seconds) * 1000 + ms
    values = np.sort(start.value + offset.astype(np.int64) * 10**6)
    # At least a second apart, so that a thread continuation follows its parent in time.
    step = np.arange(n, dtype=np.int64) * 10**9
    values = np.maximum.accumulate(values - step) + step
    # A minute of room before ``end`` so that replies to the last items still fit.
    values = np.minimum(values, end.value - 60 * 10**9)
    return pd.DatetimeIndex(pd.to_datetime(values, utc=True))


def _text(rng: np.random.Generator, n_words: int) -> str:
    words = [_WORDS[i] for i in rng.integers(0, len(_WORDS), size=n_words)]
    if rng.random() < 0.25:
        words.insert(
            int(rng.integers(0, len(words) + 1)), _EXTRAS[int(rng.integers(0, len(_EXTRAS)))]
        )
    sentence = " ".join(words)
    return sentence[:1].upper() + sentence[1:]


def _check_int(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise InvalidArgumentError(
            f"{name} must be an integer >= {minimum}, got {value!r}; pass a whole number"
        )
    return int(value)


def generate_account(
    *,
    seed: int = 0,
    n_accounts: int = 1500,
    n_posts: int = 2000,
    start: Any = "2025-01-01",
    end: Any = "2026-01-01",
    platform: str = "twitter",
    n_following: int | None = None,
    n_followers: int | None = None,
    n_mutuals: int | None = None,
    follow_timestamps: bool | None = None,
) -> Archive:
    """Generate a realistic synthetic account: follow graph, a year of posts, likes.

    The ego (the archive's owner) sits in a neighbourhood of ``n_accounts - 1``
    invented accounts that also follow each other, with heavy-tailed degrees
    (lognormal activity and popularity) and about a third of the arcs reciprocated.
    The ego writes ``n_posts`` items between ``start`` and ``end``: original posts,
    replies to accounts it follows and to accounts it does not, self-reply threads,
    reposts, quotes, mention-only posts and a few direct messages. Other accounts
    reply to the ego's posts and the ego answers some of them, so two-way
    conversations exist. The ego also likes others' posts.

    Parameters
    ----------
    seed : int
        Seed of the ``numpy.random.Generator``; the same seed gives identical tables.
        No global random state is read or changed.
    n_accounts : int
        Accounts in the neighbourhood, the ego included (at least 20).
    n_posts : int
        Items written by the ego (posts, replies, reposts, ... and direct messages).
    start, end : timestamp-like
        Half-open UTC window of the ego's activity; ``end`` is also ``exported_at``.
    platform : {"twitter", "bluesky", "mastodon", "instagram", "linkedin"}
        Shape of the ids and handles: X numeric ids, Bluesky DIDs and ``at://`` post
        URIs, Mastodon actor and status URIs, Instagram usernames, LinkedIn profile
        URLs. The archive's ``platform`` attribute is set to it.
    n_following, n_followers, n_mutuals : int, optional
        The ego's follow counts. By default 20 %, 40 % and 8.3 % of ``n_accounts``
        (300, 600 and 125 for the demo). On LinkedIn connections are mutual, so all
        three default to 40 % of ``n_accounts``.
    follow_timestamps : bool, optional
        Whether ``followed_at`` is known. By default missing on X and Mastodon (their
        exports carry no follow time) and present on the other platforms.

    Returns
    -------
    engagemetrics.Archive
        With ``follows``, ``posts`` (with ``text``), ``interactions`` derived by the
        library's rules from the posts, a mentions frame and the likes, and
        ``accounts`` (invented handles and display names).

    Raises
    ------
    InvalidArgumentError
        If a size is not a positive integer, the follow counts do not fit in
        ``n_accounts``, ``end`` is not after ``start`` or the platform is unknown.

    Notes
    -----
    The data are clean on purpose: no duplicate edges, self-follows, unparseable
    times or unknown records, so the ledger of a generated archive is empty apart
    from the self-interactions that the ego's threads and self-reposts create.
    Data-quality quirks belong in the tests of the importers.

    Handles and names are built from random syllables; no real person is named.
    Mastodon domains are under ``.example``.

    Examples
    --------
    >>> a = generate_account(seed=1, n_accounts=60, n_posts=80)
    >>> a.platform, len(a.posts[a.posts["author"] == a.ego])
    ('twitter', 80)
    >>> b = generate_account(seed=1, n_accounts=60, n_posts=80)
    >>> a.posts.equals(b.posts) and a.follows.equals(b.follows)
    True
    >>> generate_account(seed=1, n_accounts=60, platform="bluesky").ego.startswith("did:plc:")
    True
    """
    n_accounts = _check_int("n_accounts", n_accounts, 20)
    n_posts = _check_int("n_posts", n_posts, 0)
    if platform not in PLATFORMS:
        raise InvalidArgumentError(f"platform must be one of {PLATFORMS}, got {platform!r}")
    start_ts = pd.Timestamp(start)
    end_ts = pd.Timestamp(end)
    start_ts = (
        start_ts.tz_localize("UTC") if start_ts.tzinfo is None else start_ts.tz_convert("UTC")
    )
    end_ts = end_ts.tz_localize("UTC") if end_ts.tzinfo is None else end_ts.tz_convert("UTC")
    if not end_ts - start_ts >= pd.Timedelta(days=1):
        raise InvalidArgumentError(
            f"end must be at least one day after start, got start={start_ts}, end={end_ts}"
        )
    others = n_accounts - 1
    share = 0.4 if platform == "linkedin" else None
    n_following = int(round(others * (share or 0.2))) if n_following is None else n_following
    n_followers = int(round(others * (share or 0.4))) if n_followers is None else n_followers
    if n_mutuals is None:
        n_mutuals = n_following if platform == "linkedin" else int(round(others * 0.0834))
    n_following = _check_int("n_following", n_following, 0)
    n_followers = _check_int("n_followers", n_followers, 0)
    n_mutuals = _check_int("n_mutuals", n_mutuals, 0)
    if n_mutuals > min(n_following, n_followers) or n_following + n_followers - n_mutuals > others:
        raise InvalidArgumentError(
            f"the ego's follows do not fit: {n_following} following + {n_followers} followers "
            f"- {n_mutuals} mutuals must be at most n_accounts - 1 = {others}, and mutuals at "
            "most the smaller of the two; raise n_accounts or lower the counts"
        )
    if follow_timestamps is None:
        follow_timestamps = platform not in ("twitter", "mastodon")

    rng = np.random.default_rng(seed)
    precision = "ms" if platform == "bluesky" else "s"

    # ---------------------------------------------------------------- accounts
    first = _syllable_names(rng, n_accounts, 2, 2)
    last = _syllable_names(rng, n_accounts, 2, 3)
    style = rng.integers(0, 4, size=n_accounts)
    base = []
    for f, l_, s in zip(first, last, style, strict=True):
        base.append([f, f + "_" + l_, f + l_[:3], l_ + f[:2]][int(s)])
    base = _unique(base, rng, limit=15)
    ids = _Ids(platform, rng)
    account_ids, handles = ids.accounts(n_accounts, base)
    display = [f"{f.capitalize()} {l_.capitalize()}" for f, l_ in zip(first, last, strict=True)]
    ego = 0
    accounts = pd.DataFrame({"account_id": account_ids, "handle": handles, "display_name": display})

    # ---------------------------------------------------------------- follow graph
    z1 = rng.standard_normal(others)
    z2 = rng.standard_normal(others)
    activity = np.exp(1.0 * z1)
    popularity = np.exp(1.2 * (0.5 * z1 + 0.866 * z2))
    pool = np.arange(1, n_accounts)
    following = np.sort(_sample_without_replacement(rng, pool, popularity, n_following))
    is_followed = np.zeros(n_accounts, dtype=bool)
    is_followed[following] = True
    mutual = _sample_without_replacement(rng, following, activity[following - 1], n_mutuals)
    not_followed = pool[~is_followed[1:]]
    fans = _sample_without_replacement(
        rng, not_followed, activity[not_followed - 1], n_followers - n_mutuals
    )
    followers = np.sort(np.concatenate([mutual, fans]))

    # Edges among the neighbourhood: sources by activity, targets by popularity,
    # then a share of them reciprocated so that about 35 % of arcs are mutual.
    n_edges = int(6 * others)
    src = 1 + rng.choice(others, size=int(n_edges * 1.3), p=activity / activity.sum())
    dst = 1 + rng.choice(others, size=int(n_edges * 1.3), p=popularity / popularity.sum())
    keep = src != dst
    key = np.unique(src[keep].astype(np.int64) * n_accounts + dst[keep])
    key = key[rng.permutation(len(key))][:n_edges]
    q = 0.36 / (2 - 0.36)
    back = key[rng.random(len(key)) < q]
    back = (back % n_accounts) * n_accounts + back // n_accounts
    key = np.unique(np.concatenate([key, back]))
    src, dst = key // n_accounts, key % n_accounts
    f_src = np.concatenate([np.zeros(len(following), dtype=np.int64), followers, src])
    f_dst = np.concatenate([following, np.zeros(len(followers), dtype=np.int64), dst])
    aid = np.array(account_ids, dtype=object)
    follows = pd.DataFrame({"source": aid[f_src], "target": aid[f_dst]})
    if follow_timestamps:
        lo = (end_ts - pd.Timedelta(days=3 * 365)).value // 10**6
        when = rng.integers(lo, end_ts.value // 10**6, size=len(follows)) * 10**6
        if precision == "s":
            when = when // 10**9 * 10**9
        follows["followed_at"] = pd.to_datetime(when, utc=True)
    else:
        follows["followed_at"] = pd.NaT

    # ---------------------------------------------------------------- the ego's posts
    n_replyback = int(round(0.08 * n_posts)) if n_posts >= 20 else 0
    n_direct = int(round(0.005 * n_posts)) if n_posts >= 100 else 0
    n_base = n_posts - n_replyback - n_direct
    kinds = np.array(["post", "reply", "thread", "repost", "quote", "mention"])
    kind = kinds[rng.choice(6, size=n_base, p=[0.30, 0.36, 0.10, 0.14, 0.07, 0.03])]
    times = _times(rng, n_base, start_ts, end_ts, precision)
    others_pool = pool
    followed_pool = following if len(following) else pool

    def pick(n: int, followed_share: float) -> np.ndarray:
        """Counterparts, mostly accounts the ego follows, weighted by popularity."""
        from_followed = rng.random(n) < followed_share
        a = rng.choice(
            followed_pool,
            size=n,
            p=popularity[followed_pool - 1] / popularity[followed_pool - 1].sum(),
        )
        b = rng.choice(others_pool, size=n, p=popularity / popularity.sum())
        return np.where(from_followed, a, b)

    parent_author = np.full(n_base, -1, dtype=np.int64)
    to_others = np.isin(kind, ["reply", "repost", "quote", "mention"])
    parent_author[to_others] = pick(int(to_others.sum()), 0.7)
    # A few self-reposts ("counted apart" by the amplification metric).
    self_repost = (kind == "repost") & (rng.random(n_base) < 0.03)
    parent_author[self_repost] = ego
    post_ids = ids.posts(np.zeros(n_base, dtype=np.int64), times, account_ids)
    parent_id: list[str | None] = [None] * n_base
    root_id: list[str | None] = [None] * n_base
    root_author = np.full(n_base, -1, dtype=np.int64)
    # Posts of other accounts that the ego replies to, reposts or quotes: created
    # minutes to days before the ego's item.
    ext = np.flatnonzero(to_others & (kind != "mention") & ~self_repost)
    lag = pd.to_timedelta(rng.exponential(6 * 3600, size=len(ext)).astype(np.int64) + 30, unit="s")
    ext_ids = ids.posts(parent_author[ext], pd.DatetimeIndex(times[ext] - lag), account_ids)
    for pos, pid in zip(ext.tolist(), ext_ids, strict=True):
        parent_id[pos] = root_id[pos] = pid
        root_author[pos] = parent_author[pos]
    last_own = -1
    last_root = -1
    own_roots: list[int] = []
    for i in range(n_base):
        k = kind[i]
        if k == "thread":
            if last_own < 0:
                kind[i] = "post"
            else:
                parent_author[i] = ego
                parent_id[i] = post_ids[last_own]
                root_id[i] = post_ids[last_root]
                root_author[i] = ego
                last_own = i
                continue
        if kind[i] == "post":
            last_own = last_root = i
            own_roots.append(i)
        elif self_repost[i]:
            if own_roots:
                j = own_roots[int(rng.integers(0, len(own_roots)))]
                parent_id[i] = root_id[i] = post_ids[j]
                root_author[i] = ego
            else:
                kind[i] = "post"
                parent_author[i] = -1
                own_roots.append(i)
    # Mention-only posts: on X a post addressed to someone (in_reply_to_user_id without a
    # status) is a reply; other platforms have no such marker, so there it is a post
    # that starts with the @handle.
    addressed = np.full(n_base, -1, dtype=np.int64)
    is_mention = kind == "mention"
    if platform == "twitter":
        kind[is_mention] = "reply"
    else:
        kind[is_mention] = "post"
        addressed[is_mention] = parent_author[is_mention]
        parent_author[is_mention] = -1

    # ---------------------------------------------------------------- replies to the ego
    # Others reply to the ego's own items, preferably not in the last days of the window;
    # falling back to any item keeps the ego's item count exactly n_posts.
    cutoff = end_ts - min(pd.Timedelta(days=2), (end_ts - start_ts) / 4)
    answerable = np.isin(kind, ["post", "thread", "reply", "quote"])
    eligible = np.flatnonzero(answerable & (times < cutoff))
    if len(eligible) == 0:
        eligible = np.flatnonzero(answerable) if answerable.any() else np.arange(n_base)
    n_incoming = int(round(0.25 * n_posts)) if len(eligible) else 0
    target_post = np.sort(rng.choice(eligible, size=n_incoming)) if n_incoming else eligible[:0]
    fan_pool = followers if len(followers) else pool
    incoming_author = np.where(
        rng.random(n_incoming) < 0.6,
        rng.choice(
            fan_pool, size=n_incoming, p=activity[fan_pool - 1] / activity[fan_pool - 1].sum()
        ),
        rng.choice(pool, size=n_incoming, p=activity / activity.sum()),
    )
    delay = pd.to_timedelta(
        rng.exponential(3 * 3600, size=n_incoming).astype(np.int64) + 20, unit="s"
    )
    in_times = pd.DatetimeIndex(times[target_post] + delay)
    in_times = (
        pd.DatetimeIndex(np.minimum(in_times.asi8, end_ts.value - 20 * 10**9)).tz_localize("UTC")
        if n_incoming
        else in_times
    )
    in_ids = ids.posts(incoming_author, in_times, account_ids)
    in_root = [root_id[j] if root_id[j] is not None else post_ids[j] for j in target_post]
    in_root_author = [root_author[j] if root_id[j] is not None else ego for j in target_post]

    # The ego answers some of those replies (its n_replyback items).
    n_replyback = min(n_replyback, n_incoming)
    answered = (
        np.sort(rng.choice(n_incoming, size=n_replyback, replace=False))
        if n_replyback
        else np.zeros(0, dtype=np.int64)
    )
    rb_delay = pd.to_timedelta(
        rng.exponential(4 * 3600, size=n_replyback).astype(np.int64) + 15, unit="s"
    )
    rb_times = pd.DatetimeIndex(
        np.minimum((in_times[answered] + rb_delay).asi8, end_ts.value - 5 * 10**9)
    ).tz_localize("UTC")
    rb_ids = ids.posts(np.zeros(n_replyback, dtype=np.int64), rb_times, account_ids)

    # Direct messages to mutuals (or anyone followed), addressed with a mention.
    dm_pool = mutual if len(mutual) else followed_pool
    dm_to = rng.choice(dm_pool, size=n_direct) if n_direct else np.zeros(0, dtype=np.int64)
    dm_times = _times(rng, n_direct, start_ts, end_ts, precision)
    dm_ids = ids.posts(np.zeros(n_direct, dtype=np.int64), dm_times, account_ids)

    # ---------------------------------------------------------------- assemble
    def handle_of(i: int) -> str:
        return handles[int(i)]

    rows_author = np.concatenate(
        [
            np.zeros(n_base, dtype=np.int64),
            incoming_author,
            np.zeros(n_replyback, dtype=np.int64),
            np.zeros(n_direct, dtype=np.int64),
        ]
    )
    rows_kind = np.concatenate(
        [
            kind,
            np.full(n_incoming, "reply"),
            np.full(n_replyback, "reply"),
            np.full(n_direct, "post"),
        ]
    )
    rows_time = np.concatenate([times.asi8, in_times.asi8, rb_times.asi8, dm_times.asi8])
    rows_pid = list(post_ids) + list(in_ids) + list(rb_ids) + list(dm_ids)
    # A repost's id is that of the repost record (Bluesky) or Announce activity (Mastodon).
    for i in np.flatnonzero(kind == "repost").tolist():
        if platform == "bluesky":
            rows_pid[i] = rows_pid[i].replace("/app.bsky.feed.post/", "/app.bsky.feed.repost/")
        elif platform == "mastodon":
            rows_pid[i] = rows_pid[i] + "/activity"
    rows_addressed = np.concatenate(
        [addressed, np.full(n_incoming + n_replyback, -1, dtype=np.int64), dm_to]
    ).astype(np.int64)
    rows_parent_id = (
        parent_id
        + [post_ids[j] for j in target_post]
        + [in_ids[j] for j in answered]
        + [None] * n_direct
    )
    rows_parent_author = np.concatenate(
        [
            parent_author,
            np.zeros(n_incoming, dtype=np.int64),
            incoming_author[answered],
            np.full(n_direct, -1, dtype=np.int64),
        ]
    )
    rows_root_id = root_id + in_root + [in_root[j] for j in answered] + [None] * n_direct
    rows_root_author = np.concatenate(
        [
            root_author,
            np.array(in_root_author, dtype=np.int64),
            np.array([in_root_author[j] for j in answered], dtype=np.int64),
            np.full(n_direct, -1, dtype=np.int64),
        ]
    )
    n_rows = len(rows_pid)
    visibility = np.full(n_rows, "public", dtype=object)
    if platform == "mastodon":
        roll = rng.random(n_rows)
        visibility[(roll < 0.05)] = "unlisted"
        visibility[(roll >= 0.05) & (roll < 0.08)] = "followers"
        visibility[rows_kind == "repost"] = "public"
    visibility[n_rows - n_direct :] = "direct"

    # Text and mentions: a reply carries the parent author's @handle first; a
    # repost is mentioned as "RT @x" on X (not a mention by the library's rules).
    texts: list[str] = []
    m_post: list[str] = []
    m_target: list[int] = []
    n_words = rng.integers(4, 22, size=n_rows)
    extra_mention = rng.random(n_rows)
    extra_target = rng.choice(pool, size=n_rows, p=popularity / popularity.sum())
    for r in range(n_rows):
        body = _text(rng, int(n_words[r]))
        k = rows_kind[r]
        pa = int(rows_parent_author[r])
        mentioned: list[int] = []
        lead = ""
        if k == "reply" and pa >= 0:
            lead = f"@{handle_of(pa)} "
            mentioned.append(pa)
        elif k == "repost":
            mentioned.append(pa)
        elif rows_addressed[r] >= 0:
            lead = f"@{handle_of(rows_addressed[r])} "
            mentioned.append(int(rows_addressed[r]))
        threshold = {"post": 0.25, "reply": 0.12, "thread": 0.05, "quote": 0.2}.get(k, 0.0)
        other = int(extra_target[r])
        if extra_mention[r] < threshold and other != rows_author[r] and other not in mentioned:
            body = f"{body} @{handle_of(other)}"
            mentioned.append(other)
        texts.append(lead + body)
        for t in mentioned:
            m_post.append(rows_pid[r])
            m_target.append(t)

    def ids_of(index: np.ndarray) -> list[str | None]:
        return [account_ids[int(i)] if i >= 0 else None for i in index]

    posts = pd.DataFrame(
        {
            "post_id": rows_pid,
            "author": ids_of(rows_author),
            "created_at": pd.to_datetime(rows_time, utc=True),
            "kind": rows_kind,
            "parent_id": rows_parent_id,
            "parent_author": ids_of(rows_parent_author),
            "root_id": rows_root_id,
            "root_author": ids_of(rows_root_author),
            "visibility": visibility,
            "text": texts,
        }
    )
    posts = posts.sort_values(["created_at", "post_id"], kind="stable").reset_index(drop=True)
    mentions = pd.DataFrame({"post_id": m_post, "target": ids_of(np.array(m_target))})

    # ---------------------------------------------------------------- likes
    n_likes = int(round(0.5 * n_posts))
    liked_author = pick(n_likes, 0.75)
    like_times = _times(rng, n_likes, start_ts, end_ts, precision)
    lag = pd.to_timedelta(rng.exponential(3600, size=n_likes).astype(np.int64) + 5, unit="s")
    liked_ids = ids.posts(liked_author, pd.DatetimeIndex(like_times - lag), account_ids)
    likes = pd.DataFrame(
        {
            "actor": account_ids[ego],
            "target": ids_of(liked_author),
            "created_at": like_times,
            "post_id": liked_ids,
        }
    )
    return Archive(
        follows=follows,
        posts=posts,
        accounts=accounts,
        ego=account_ids[ego],
        platform=platform,
        exported_at=end_ts,
        mentions=mentions,
        likes=likes,
    )


def demo(seed: int = 0) -> Archive:
    """A realistic synthetic X-like account: the library's demo data.

    A fixed call of :func:`generate_account`: 1,500 accounts, the ego follows 300
    and has 600 followers (125 mutual), 2,000 items by the ego in 2025 (posts,
    replies, threads, reposts, quotes, mention-only posts, 10 direct messages),
    replies by others to the ego, likes. Ids are X-shaped numeric strings and
    ``followed_at`` is missing, as in an X archive.

    Parameters
    ----------
    seed : int
        Seed of the generator; the same seed gives identical tables.

    Returns
    -------
    engagemetrics.Archive

    Notes
    -----
    The demo is clean on purpose (no duplicates, self-follows or unreadable
    records); see :func:`generate_account`. To see an export on disk, use
    :func:`engagemetrics.datasets.demo_export`.

    Examples
    --------
    >>> a = demo()
    >>> len(a.following()), len(a.followers()), len(a.following() & a.followers())
    (300, 600, 125)
    >>> a.posts["created_at"].min() >= pd.Timestamp("2025-01-01", tz="UTC")
    True
    """
    return generate_account(
        seed=seed,
        n_accounts=1500,
        n_posts=2000,
        start="2025-01-01",
        end="2026-01-01",
        platform="twitter",
    )


#: Followers the demo gained between its two exports: the share of the accounts the owner
#: engaged with in that quarter, and of the others (see :func:`demo_previous`).
_DEMO_JOINED_ENGAGED, _DEMO_JOINED_OTHERS = 0.5, 0.1
_DEMO_LEFT = 30  # followers of the earlier export gone by the later one
_DEMO_UNFOLLOWED, _DEMO_NEW_FOLLOWING = 12, 20


def demo_previous(seed: int = 0) -> Archive:
    """The demo account as its export three months earlier: the snapshot before :func:`demo`.

    With it, churn and engagement lift can be shown on the demo
    (``em.compare(demo_previous(), demo())``, ``engagemetrics audit --demo``). The later
    export is :func:`demo` (made 2026-01-01); this one is made 2025-10-01 and holds:

    * the posts and interactions before 2025-10-01;
    * the owner's followers of 2026-01-01, less those who followed in the quarter: half of
      the followers the owner replied to, mentioned, reposted or quoted in the quarter, and
      a tenth of the others (so engaging shows a lift);
    * plus 30 followers who have left by 2026-01-01 (accounts that do not follow then);
    * the accounts the owner follows on 2026-01-01, less 20 it followed in the quarter, plus
      12 it has unfollowed by then.

    The other accounts' follows are those of :func:`demo` (an export holds the owner's).

    Parameters
    ----------
    seed : int
        The seed of :func:`demo` (and of the choices above).

    Returns
    -------
    engagemetrics.Archive

    Examples
    --------
    >>> import engagemetrics as em
    >>> older, newer = demo_previous(), demo()
    >>> str(older.exported_at.date()), str(newer.exported_at.date())
    ('2025-10-01', '2026-01-01')
    >>> c = em.compare(older, newer)
    >>> [int(c.summary.loc["followers", k]) for k in ("new", "lost")]
    [114, 30]
    """
    newer = demo(seed)
    ego = newer.ego
    start = pd.Timestamp("2025-10-01", tz="UTC")
    rng = np.random.default_rng([seed, 2025_10_01])
    followers = sorted(newer.followers())
    following = sorted(newer.following())
    log = newer.interactions
    engaged = set(
        log.loc[
            (log["actor"] == ego)
            & log["kind"].isin(["reply", "mention", "repost", "quote"])
            & (log["created_at"] >= start),
            "target",
        ]
    )

    def some(pool: list[str], share: float) -> list[str]:
        return sorted(rng.choice(pool, round(share * len(pool)), replace=False).tolist())

    joined = some([f for f in followers if f in engaged], _DEMO_JOINED_ENGAGED) + some(
        [f for f in followers if f not in engaged], _DEMO_JOINED_OTHERS
    )
    others = sorted(set(newer.accounts["account_id"]) - set(followers) - set(following) - {ego})
    left = sorted(rng.choice(others, _DEMO_LEFT, replace=False).tolist())
    new_following = sorted(rng.choice(following, _DEMO_NEW_FOLLOWING, replace=False).tolist())
    unfollowed = sorted(
        rng.choice(sorted(set(others) - set(left)), _DEMO_UNFOLLOWED, replace=False).tolist()
    )
    f = newer.follows
    keep = ~(
        ((f["target"] == ego) & f["source"].isin(joined))
        | ((f["source"] == ego) & f["target"].isin(new_following))
    )
    follows = pd.concat(
        [
            f[keep],
            pd.DataFrame({"source": left, "target": ego}),
            pd.DataFrame({"source": ego, "target": unfollowed}),
        ],
        ignore_index=True,
    )
    return newer.replace(
        follows=follows,
        posts=newer.posts[newer.posts["created_at"] < start],
        interactions=log[log["created_at"] < start],
        exported_at=start,
    )
