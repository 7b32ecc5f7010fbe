"""Hostile text for property tests: the characters that break parsers, databases and Slack."""

from __future__ import annotations

from hypothesis import strategies as st

HOSTILE_PIECES = [
    "\x00",  # PostgreSQL refuses NUL in text and jsonb
    "\x07\x1b[31m",  # control characters, an ANSI escape
    "\r\n",
    "\u2028\u2029",  # JSON-legal line separators
    "\u200b\u200c\u200d\ufeff",  # zero-width characters and a BOM
    "\u200f\u202e\u2066",  # right-to-left marks and overrides
    "😡🙏🏽👩‍👩‍👧",  # emoji, skin tones, a ZWJ sequence
    "\ud800",  # a lone surrogate: legal in a JSON escape, not encodable as UTF-8
    "e\u0301",  # a combining accent
    "<!channel> <@U123> <https://evil|click> *bold* &lt;",
    "'; DROP TABLE mentions; --",
    "acme",
]

hostile_text = st.lists(
    st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=20)), max_size=8
).map("".join)
"""Short strings mixing ordinary text with the hostile pieces."""

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    hostile_text,
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(hostile_text, children, max_size=3)
    ),
    max_leaves=8,
)
"""Any JSON value (NaN and infinities too, as Python's json module reads and writes them)."""
