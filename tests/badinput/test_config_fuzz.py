"""The config loader fed random YAML: a ConfigError naming where, never another exception."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.config import load_config, parse_config
from monitor.errors import ConfigError
from tests.badinput.strategies import hostile_text

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    hostile_text,
    st.sampled_from(["${X_BEARER_TOKEN}", "${NOPE:-x}", "5m", "*/5 * * * *", "sqlite:///x.db"]),
)
yaml_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.one_of(hostile_text, st.integers()), children, max_size=3),
    ),
    max_leaves=10,
)


def paths(node, prefix=()):
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += paths(value, (*prefix, index))
    return out


@st.composite
def mutated_config(draw):
    """The shipped config with 1–4 values replaced, keys added or removed."""
    import copy

    data = copy.deepcopy(SHIPPED)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(paths(data)))
        if not path:
            continue
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(hostile_text)] = draw(yaml_values)
        else:
            parent[path[-1]] = draw(yaml_values)
    return data


@FUZZ
@given(data=st.one_of(mutated_config(), yaml_values))
def test_any_parsed_structure_is_valid_or_a_config_error(tmp_path, data):
    if not isinstance(data, dict):
        data = {"database": data}
    try:
        parse_config(data, base_dir=tmp_path, env={})
    except ConfigError as exc:
        message = str(exc)
    else:
        return
    assert message.startswith("invalid configuration")
    assert len(message.splitlines()) >= 2  # at least one "key.path: problem" line


@FUZZ
@given(text=st.one_of(hostile_text, st.binary(max_size=200).map(lambda b: b.decode("latin-1"))))
def test_any_file_text_loads_or_is_a_config_error(tmp_path, text):
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_config(path, env={})
    except ConfigError as exc:
        message = str(exc)
    else:
        return
    assert str(path) in message or "invalid configuration" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"database: {url: 2001-13-01}\n", "not valid YAML"),  # a date YAML cannot build
        (b"ranking: {min_priority: !!float abc}\n", "not valid YAML"),
        (b"brands:\n  - name: Acme\xff\xfe\n", "not valid UTF-8"),
        (b"a: &a [*a]\n" + b"b: " + b"[" * 5000 + b"]" * 5000 + b"\n", "config"),
        (b"\x00\x01binary", "config"),
    ],
    ids=["bad-date", "bad-float-tag", "invalid-utf8", "deep-nesting", "binary"],
)
def test_yaml_the_parser_itself_chokes_on_is_a_clear_config_error(tmp_path, content, expected):
    path = tmp_path / "config.yaml"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=expected):
        load_config(path, env={})
