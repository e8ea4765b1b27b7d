"""Block Kit rendering: limits respected, document text never parsed as mrkdwn."""

from avtalebot.types import Answer, Citation, DocRecord
from bot.blocks import MAX_BLOCKS, answer_blocks, fallback_text, source_view, split_messages
from bot.escape import escape_mrkdwn, split_text


def _answer(text: str, n_cites: int = 2, lang: str = "nb") -> Answer:
    cites = tuple(
        Citation(i + 1, f"f{i}.txt", f"Tittel {i}", "Del", f"d:{i}", "«sitat»", 0.5, "d", 0, 5)
        for i in range(n_cites)
    )
    return Answer(text, cites, False, lang=lang)


def test_long_answers_are_split_within_slack_limits():
    text = "\n\n".join(
        f"«Setning nummer {i} om samarbeid mellom NAV og fylkeskommunen.» [1]" for i in range(400)
    )
    blocks = answer_blocks(_answer(text), "a1", {})
    sections = [b for b in blocks if b["type"] == "section" and "accessory" not in b]
    assert len(sections) > 1 and all(len(b["text"]["text"]) <= 3000 for b in sections)
    messages = split_messages(blocks)
    assert all(len(m) <= MAX_BLOCKS for m in messages) and sum(map(len, messages)) == len(blocks)
    assert "".join(b["text"]["text"] for b in sections).replace("\n", "") == text.replace("\n", "")
    assert len(fallback_text(_answer(text))) <= 3000


def test_split_text_prefers_paragraph_boundaries():
    parts = split_text("a" * 2000 + "\n\n" + "b" * 2000, limit=2900)
    assert parts == ["a" * 2000, "b" * 2000]


def test_mentions_and_links_are_inert():
    assert (
        escape_mrkdwn("<!channel> <@U1> <http://x|y> & co")
        == "&lt;!channel&gt; &lt;@U1&gt; &lt;http://x|y&gt; &amp; co"
    )
    blocks = answer_blocks(
        _answer("<!here> hei [1]"), "a1", {1: "gyldighet til 31. desember 2027 – gjeldende"}
    )
    assert blocks[0]["text"]["type"] == "plain_text"
    assert any("gjeldende" in b.get("text", {}).get("text", "") for b in blocks)


def test_english_labels_and_abstained_answers_have_no_feedback_buttons():
    blocks = answer_blocks(Answer("I could not find this.", (), True, lang="en"), "a2", {})
    assert all(b["type"] not in ("actions", "context_actions") for b in blocks)
    shared = answer_blocks(_answer("x [1]", lang="en"), "a3", {}, share=True)
    labels = [e["text"]["text"] for b in shared if b["type"] == "actions" for e in b["elements"]]
    feedback = [e for b in shared if b["type"] == "context_actions" for e in b["elements"]]
    assert "Share in channel" in labels and feedback[0]["type"] == "feedback_buttons"
    assert feedback[0]["positive_button"]["text"]["text"] == "👍 Helpful"
    assert feedback[0]["negative_button"]["value"] == "a3:down"


def test_answer_blocks_are_valid_block_kit_by_the_sdk_models():
    """Slack's own models parse and validate every block (feedback_buttons in context_actions too)."""
    from slack_sdk.models.blocks import Block

    blocks = answer_blocks(_answer("x [1]", lang="nb"), "a4", {1: "gjeldende"}, share=True)
    for b in blocks:
        parsed = Block.parse(b)
        assert parsed is not None and parsed.to_dict()["type"] == b["type"], b
        parsed.validate_json()
    tail = answer_blocks(_answer("x [1]", lang="nb"), "a4", {}, with_text=False)
    assert not any(b["type"] == "section" and b["text"]["text"].startswith("x") for b in tail)


def test_source_modal_highlights_the_passage_in_its_paragraph():
    text = "Første avsnitt.\n\nFør. Dette er sitatet. Etter.\n\nSiste avsnitt."
    start = text.index("Dette")
    c = Citation(1, "f.txt", "Tittel", "Del", "d:1", "Dette er sitatet.", 0.9, "d", start, start + 17)
    view = source_view(c, DocRecord("d", "f.txt", raw_meta={"parties": ["NAV Agder"]}), text, "nb", "gjeldende")
    section = view["blocks"][1]["elements"][0]["elements"]
    assert [e["text"] for e in section] == ["Før. ", "Dette er sitatet.", " Etter."]
    assert section[1]["style"] == {"bold": True}
    fields = " ".join(f["text"] for f in view["blocks"][-1]["fields"])
    assert "NAV Agder" in fields and "f.txt" in fields and "gjeldende" in fields


def test_sources_group_the_passages_of_one_document():
    cites = (
        Citation(1, "a.txt", "Avtale A", "§ 3", "a:1", "x", 0.5, "docA", 0, 5),
        Citation(2, "b.txt", "Avtale B", "", "b:1", "y", 0.4, "docB", 0, 5),
        Citation(3, "a.txt", "Avtale A", "§ 4", "a:2", "z", 0.3, "docA", 10, 15),
    )
    blocks = answer_blocks(Answer("«x» [1]\n\n«y» [2]\n\n«z» [3]", cites, False, lang="nb"), "a9", {1: "gjeldende"})
    titles = [b["text"]["text"] for b in blocks if b.get("accessory", {}).get("action_id", "").startswith("show_source")]
    assert titles == ["[1][3] Avtale A — § 3; § 4 · gjeldende", "[2] Avtale B"]
    ids = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert "show_source_3" in ids  # every passage keeps its own button


def test_citations_link_to_the_review_site_when_it_has_a_public_url():
    c = Citation(1, "a.txt", "Avtale", "§ 1", "d1:0000:x", "sitat", 0.9, doc_id="d1", start=10, end=42)
    answer = Answer("«sitat» [1]", (c,), False, lang="nb")
    assert not any("/doc/" in str(b) for b in answer_blocks(answer, "A1", {}))
    blocks = answer_blocks(answer, "A1", {}, public_url="https://avtalebot.nav.example/")
    (link,) = [b for b in blocks if b["type"] == "context" and "avtalebot.nav.example" in str(b)]
    text = link["elements"][0]["text"]
    assert text == "<https://avtalebot.nav.example/doc/d1?span=10-42#hit|[1] åpne i gjennomgangssiden>"


def test_a_scanned_document_says_so_in_its_source_line():
    cites = (Citation(1, "skann.pdf", "Avtale S", "§ 2", "s:1", "x", 0.5, "docS", 0, 5, scanned=True),)
    for lang, word in (("nb", "skannet"), ("nn", "skanna"), ("en", "scanned")):
        blocks = answer_blocks(Answer("«x» [1]", cites, False, lang=lang), "a1", {})
        titles = [b["text"]["text"] for b in blocks if b.get("accessory", {}).get("action_id", "").startswith("show_source")]
        assert titles == [f"[1] Avtale S — § 2 ({word})"]
