"""``--format html``: one self-contained page, checked in a real headless Chromium."""

from __future__ import annotations

from pathlib import Path

from custodes.report import html
from tests.conftest import run_cli
from tests.report.conftest import NONCOMPLIANT, PREVIEW, SECRETS, RecordedPage, finding, hand_report


def html_file(tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "custodes.html"
    result = run_cli("check", *args, "--format", "html", "--output", str(out))
    assert result.returncode in (0, 1), result.stderr.decode()
    return out


def test_the_page_renders_without_errors_and_shows_the_matrix(tmp_path: Path,
                                                              page: RecordedPage) -> None:
    out = html_file(tmp_path, str(NONCOMPLIANT))
    page.page.goto(out.as_uri())
    shot = tmp_path / "custodes.png"
    page.page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    assert not page.errors
    assert not [m for m in page.console if m.type in ("error", "warning")], \
        [m.text for m in page.console]
    assert page.requests == [out.as_uri()], "self-contained: nothing but the page is loaded"
    body = page.page.inner_text("body")
    assert "custodes: FAIL" in body
    assert "FAIL: 2 mandatory" in body
    assert "ebsBlockDevices[0].kmsKeyId: AWS-managed key alias/aws/ebs" in body
    assert "customer managed KMS key" in body
    picture = page.page.locator("#responsibility svg")
    box = picture.bounding_box()
    assert box is not None and box["width"] > 500 and box["height"] > 200
    labels = picture.locator("text").all_text_contents()
    assert {"key custody", "cloud provider", "nobody", "customer"} <= set(labels)
    # The failing row is marked, and the holders' cells are coloured.
    assert page.page.locator("tr.failing").count() == 1
    provider_cell = page.page.locator("td", has_text="provider").first
    assert provider_cell.evaluate("e => getComputedStyle(e).backgroundColor") \
        == "rgb(248, 215, 218)"


def test_external_resources_would_be_blocked_and_reported(tmp_path: Path,
                                                          page: RecordedPage) -> None:
    """The page's policy forbids loading anything: the console check above is not vacuous."""
    out = html_file(tmp_path, str(PREVIEW))
    text = out.read_text().replace("</body>", '<img src="https://example.invalid/x.png">'
                                   "<script>console.log('x')</script></body>")
    tampered = tmp_path / "tampered.html"
    tampered.write_text(text)
    page.page.goto(tampered.as_uri())
    assert any(m.type == "error" for m in page.console)


def test_waived_findings_are_in_a_closed_details_element(tmp_path: Path,
                                                         page: RecordedPage) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "version: 1\nwaivers:\n"
        "  - rule: aws-ec2-confidential-require-customer-key\n"
        "    resource: 'urn:pulumi:*::payments'\n"
        "    reason: CloudHSM cluster arrives in Q3\n"
        "    owner: platform-security\n"
        "    expires: 2999-06-30\n"
    )
    out = html_file(tmp_path, str(NONCOMPLIANT), "--waivers", str(waivers))
    page.page.goto(out.as_uri())
    details = page.page.locator("details")
    assert details.count() == 1 and details.get_attribute("open") is None
    assert "Waived findings (2)" in details.locator("summary").inner_text()
    assert not page.page.get_by_text("CloudHSM cluster arrives in Q3").first.is_visible()
    details.locator("summary").click()
    assert page.page.get_by_text("CloudHSM cluster arrives in Q3").first.is_visible()


def test_resource_names_and_messages_are_escaped() -> None:
    page = html.render(hand_report([finding(name="<b>vm</b>", message="<script>x</script>")]))
    assert "<script>" not in page and "<b>vm" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page


def test_no_secret_reaches_the_page(tmp_path: Path) -> None:
    text = html_file(tmp_path, str(PREVIEW), "--profile", "strict").read_text()
    assert not any(secret in text for secret in SECRETS)


def test_rule_ids_link_to_the_docs_keys_show_custody_and_controls_are_neutralised() -> None:
    from dataclasses import replace

    from custodes.engine import combine
    from tests.report.conftest import report_of

    rule = "aws-ec2-confidential-require-customer-key"
    page = html.render(replace(hand_report([finding(name="vm\x1b[31m", message="m\x07")]),
                               docs_url="https://d.example/r"))
    assert f'<a href="https://d.example/r#{rule}"><code>{rule}</code></a>' in page
    assert "\x1b" not in page and "\x07" not in page and "vm\ufffd[31m" in page
    keys = html.render(combine([report_of(PREVIEW)]))
    assert "<h3>Keys of each workload, and who holds them</h3>" in keys
    assert "<th>custody</th>" in keys and "<code>rootBlockDevice.kmsKeyId</code>" in keys


class _Matrix:
    """A stand-in report whose responsibility matrix has ``count[duty][holder]`` workloads."""

    def __init__(self, counts: dict[str, dict[str, int]]) -> None:
        from custodes.custody.responsibility import DUTIES, HOLDERS

        self.responsibility = [
            {"duty": duty, **{holder: [f"urn:{n}" for n in range(counts.get(duty, {}).get(
                holder, 0))] for holder in HOLDERS}} for duty in DUTIES]


def _label_boxes(page: RecordedPage, picture: str) -> list[dict[str, float]]:
    page.page.set_content(f"<!DOCTYPE html><html><body>{picture}</body></html>")
    return [label.bounding_box() for label in page.page.locator("text.edge-label").all()]


def _overlapping(boxes: list[dict[str, float]]) -> list[tuple[int, int]]:
    return [(i, j) for i, a in enumerate(boxes) for j, b in enumerate(boxes) if i < j
            and a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]]


def test_edge_labels_never_overlap_in_chromium(page: RecordedPage) -> None:
    from custodes.custody.responsibility import DUTIES, HOLDERS
    from custodes.report.picture import svg

    split = {"key-custody": {"provider": 1, "customer": 1},
             "attestation-policy": {"unassigned": 1, "customer": 1}}
    every = {duty: {holder: 10 + index for index, holder in enumerate(HOLDERS)}
             for duty in DUTIES}
    for counts, expected in ((split, 4), (every, len(DUTIES) * len(HOLDERS))):
        boxes = _label_boxes(page, svg(_Matrix(counts)))  # type: ignore[arg-type]
        assert len(boxes) == expected and all(box["width"] > 0 for box in boxes)
        assert not _overlapping(boxes), _overlapping(boxes)
    # The test would catch the old placement: two labels of one duty at one point.
    stacked = svg(_Matrix(split))  # type: ignore[arg-type]
    old = [f'<text class="edge-label" x="260" y="80">{n} workload</text>' for n in (1, 1)]
    assert _overlapping(_label_boxes(page, stacked.replace("</svg>", "".join(old) + "</svg>")))
