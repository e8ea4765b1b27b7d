"""`avtalebot bench` run end to end as a subprocess: 1,000 generated chunks with the real embedder, and
against a real `chroma run` server whose memory and disk it measures."""

import json
import subprocess
import sys

import pytest

from avtalebot.bench.run import table


@pytest.mark.integration
@pytest.mark.timeout(1800)  # a hang guard only, as long as the subprocess's own (embedding 1,000 chunks
def test_bench_1000_chunks_end_to_end(tmp_path):  # and their units took > 900 s on a loaded machine)
    """Real e5, real Chroma, the naive baseline with all-MiniLM-L6-v2: a table row, JSON and a plot."""
    plot = tmp_path / "bench.png"
    cmd = [sys.executable, "-m", "avtalebot", "--data-dir", str(tmp_path / "data"), "bench"]
    cmd += ["--sizes", "1000", "--json", "--plot", str(plot), "--queries", "60"]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    assert res.returncode == 0, res.stderr[-3000:]
    out = json.loads(res.stdout)
    row, dev = out["sizes"][0], out["dev"]
    assert row["chunks"] >= 1000 and row["embedded_fresh"] == row["chunks"]
    assert 0 < row["ingest_vs_raw"] and row["noop_was_noop"]
    assert 0 < row["latency_p50"] <= row["latency_p95"] <= row["latency_p99"]
    assert row["serve_peak_rss_mb"] > 50 and row["ingest_peak_rss_mb"] > 50
    assert row["generated_accuracy"] > row["naive_accuracy"]
    # every kind of generated question (contact, validity, eligibility) is mostly answered right
    by_kind = row["generated_by_kind"]
    assert set(by_kind) == {"contact", "validity", "eligibility"} and min(by_kind.values()) > 0.5, by_kind
    assert dev["dev_accuracy"] > dev["dev_naive_accuracy"]
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "bench" in res.stderr and "embedding chunks" in res.stderr  # the progress bars
    logged = [json.loads(line) for line in (tmp_path / "data" / "bench" / "results.jsonl").open()]
    assert [r["phase"] for r in logged] == ["dev", "eval", "ocr", "ingest", "serve", "watch", "naive"]
    assert out["ocr"]["ocr_s_per_page"] > 0 and "OCR" in table(out)
    assert 0 < row["watch_published_s"] <= row["watch_answerable_s"] < 120  # a copied file became answerable
    assert logged[3]["ingest_vs_raw"] == row["ingest_vs_raw"]
    # the answer units' extra ingest cost is shown, and both systems are measured on the labelled sets
    assert row["units"] > row["chunks"] and row["units_embedded_fresh"] > 0 and row["unit_vectors_mb"] > 0
    assert 0 < row["units_share_of_ingest"] < 1 and row["ingest_vs_raw_without_units"] > row["ingest_vs_raw"]
    ev = out["eval"]
    assert ev["eval_questions"] == 202 and ev["eval_accuracy"] > ev["eval_naive_accuracy"]
    assert "Quality on all 202 labelled questions" in table(out)


@pytest.mark.integration
def test_bench_against_a_chroma_server_measures_the_server(tmp_path):
    """The scaling phases against a real `chroma run` started for the run: the bot-side index holds
    no vectors, the server's memory and disk are reported, and the server is gone afterwards."""
    import psutil

    before = {
        p.pid for p in psutil.process_iter(["cmdline"]) if "chroma" in " ".join(p.info["cmdline"] or [])
    }
    cmd = [sys.executable, "-m", "avtalebot", "--data-dir", str(tmp_path / "data"), "bench", "--sizes", "200"]
    cmd += ["--embedder", "hash", "--phases", "ingest,serve", "--chroma-server", "--queries", "20", "--json"]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    out = json.loads(res.stdout)
    row = out["sizes"][0]
    assert out["chroma"] == "server" and out["dev"] == {} and "naive_accuracy" not in row
    assert row["chunks"] >= 200 and row["queries"] == 20
    assert row["chroma_server_rss_mb"] > 20 and row["chroma_server_disk_mb"] > 0
    data = tmp_path / "data" / "bench" / "hash" / "chroma-server-mode"
    manifests = list((data / "ours-200" / "snapshots").glob("*/manifest.json"))
    assert manifests and json.loads(manifests[0].read_text())["mode"] == "server"
    assert not list((data / "ours-200" / "snapshots").glob("*/chroma"))  # no local vectors
    after = {p.pid for p in psutil.process_iter(["cmdline"]) if "chroma" in " ".join(p.info["cmdline"] or [])}
    assert after <= before  # stopped
