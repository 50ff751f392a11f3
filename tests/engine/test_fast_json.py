"""Reading and writing JSON fast (issue 15) gives what the standard library gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custodes import jsontext
from custodes.model import UNKNOWN, Secret
from custodes.sources import load, pulumi_json
from custodes.sources.documents import graph_from_document, parse_json
from custodes.sources.pulumi_json import needs_decoding

INSTANCE = "urn:pulumi:dev::p::aws:ec2/instance:Instance::vm"


def export(inputs_text: str) -> bytes:
    """A stack export of one instance whose inputs are ``inputs_text`` (JSON text)."""
    return (
        '{"version": 3, "deployment": {"resources": [{"urn": "' + INSTANCE + '", '
        '"type": "aws:ec2/instance:Instance", "inputs": ' + inputs_text + ', "outputs": {}}]}}'
    ).encode()


@pytest.mark.parametrize("inputs_text", [
    # Pulumi's unknown, a secret, a masked secret, key material by name …
    '{"kmsKeyId": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}',
    '{"userData": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",'
    ' "ciphertext": "v1:abc"}}',
    '{"userData": "[secret]"}',
    '{"disk": {"diskEncryptionKeyRaw": "c2VjcmV0"}}',
    # … and the same spelled with escapes, which the bytes do not show as such.
    '{"kmsKeyId": "\\u0030\\u0034da6b54-80e4-46f7-96ec-b56ff0331ba9"}',
    '{"userData": {"\\u0034dabf18193072939515e22adb298388d": '
    '"1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:abc"}}',
    '{"userData": "\\u005bsecret]"}',
    '{"disk": {"diskEncryptionKey\\u0052aw": "c2VjcmV0"}}',
])
def test_a_value_that_needs_decoding_is_always_decoded(tmp_path: Path, inputs_text: str) -> None:
    data = export(inputs_text)
    assert needs_decoding(data)
    file = tmp_path / "export.json"
    file.write_bytes(data)
    resource = load(str(file)).get(INSTANCE)
    assert resource is not None
    leaves = list(_leaves(resource.props))
    assert any(leaf is UNKNOWN or isinstance(leaf, Secret) for leaf in leaves), leaves
    assert "c2VjcmV0" not in repr(resource.props)


def _leaves(value: object):
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    else:
        yield value


def test_plain_values_are_read_as_the_full_decoding_reads_them(tmp_path: Path) -> None:
    data = export('{"instanceType": "m6a.large", "cpuOptions": {"amdSevSnp": "enabled"}, '
                  '"tags": {"note": "\\u003cb\\u003e \\u00e9"}, "n": [1, 2.5, null, true]}')
    assert not needs_decoding(data)
    file = tmp_path / "export.json"
    file.write_bytes(data)
    fast = load(str(file)).get(INSTANCE)
    slow = graph_from_document(json.loads(data), "x").get(INSTANCE)
    assert fast is not None and slow is not None
    assert fast.props == slow.props
    assert fast.props["tags"]["note"] == "<b> é"


def _scanned_one_by_one(data: bytes) -> bool:
    """What needs_decoding answers, the plain way: each marker looked for in turn."""
    return any(marker in data for marker in pulumi_json._DECODED_MARKERS) or bool(
        pulumi_json._SPELLING_ESCAPE.search(data))


_FILLER = st.binary(max_size=40) | st.sampled_from(
    [b'"kmsKeyId": "alias/x", ', b'"rawKe', b'y"', b'4dabf1819307', b'"[secret', b"\\u00"])


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(_FILLER | st.sampled_from(pulumi_json._DECODED_MARKERS), max_size=30),
       chunk=st.integers(min_value=1, max_value=64))
def test_the_one_pass_scan_finds_what_each_markers_scan_finds(parts: list[bytes],
                                                              chunk: int) -> None:
    # Small chunks put markers across every boundary, and halves of markers beside them.
    data = b"".join(parts)
    original = pulumi_json._SCAN_CHUNK
    try:
        pulumi_json._SCAN_CHUNK = chunk
        assert needs_decoding(data) is _scanned_one_by_one(data)
    finally:
        pulumi_json._SCAN_CHUNK = original
    assert needs_decoding(data) is _scanned_one_by_one(data)


def test_a_marker_deep_in_a_large_document_is_found() -> None:
    plain = b'{"instanceType": "m6a.large"}, ' * 200_000  # 6 MB: several chunks
    assert not needs_decoding(plain)
    for marker in pulumi_json._DECODED_MARKERS:
        for where in (0, len(plain) // 2, pulumi_json._SCAN_CHUNK - 3, len(plain)):
            assert needs_decoding(plain[:where] + marker + plain[where:]), (marker, where)


@pytest.mark.parametrize("text", [b'[NaN]', b'{"a": "\\ud800"}', b'\xef\xbb\xbf{"a": 1}',
                                  b'[' + b'1' * 30 + b']'])
def test_what_orjson_refuses_the_standard_library_still_reads(text: bytes) -> None:
    document = parse_json(text, "x")
    assert document is not None


@pytest.mark.parametrize("document", [
    {"a": "é — 😀 \u2028 \x7f \x00 \x1f \"\\ \ufeff", "b": [], "c": {}},
    [1.5, None, True, 10**18, -3, {"ß": [{}]}],
])
def test_indented_output_is_the_standard_librarys_byte_for_byte(document: object) -> None:
    assert jsontext.dumps_indented(document, ascii=True) == json.dumps(document, indent=2) + "\n"
    assert jsontext.dumps_indented(document) == json.dumps(document, indent=2,
                                                           ensure_ascii=False) + "\n"
    big = {"n": 10**30}  # beyond orjson's integers: the standard library writes it
    assert jsontext.dumps_indented(big) == json.dumps(big, indent=2) + "\n"
