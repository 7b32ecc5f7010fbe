"""`python -m benchmarks` at its tiny size on SQLite: every benchmark still runs end to end and
writes results of the documented shape (the figures themselves are not checked: no timings)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_entry_point_runs_every_benchmark_and_merges_its_results(tmp_path):
    out = tmp_path / "results.json"
    out.write_text(json.dumps({"sentiment-like": {"kept": True}}), encoding="utf-8")
    command = [sys.executable, "-m", "benchmarks", "--size", "tiny", "--db", "sqlite"]
    done = subprocess.run(
        [*command, "--only", "ingest,queue,cards,memory,report", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "queue" in done.stdout and "cards" in done.stdout  # the table
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["sentiment-like"] == {"kept": True}  # other entries survive the merge

    ingest = results["ingest"]["sqlite"]
    (size,) = ingest["sizes"]
    assert size["size"] == 300
    assert size["vader_texts_per_s"] > 0 and size["pipeline_seconds_median"] > 0
    assert size["import_summary"]["stored"] > 0
    assert size["reimport_summary"]["duplicates"] == size["import_summary"]["stored"]
    assert size["peak_rss_mib"] > 0
    assert 0 < size["two_process_capacity"] <= 3  # two processes: at most 2, plus noise
    assert len(size["raw"]["vader_two_processes_seconds"]) == ingest["repeats"]

    queue = results["queue"]["sqlite"]
    assert queue["cases"] == 2000 and sum(queue["statuses"].values()) == 2000
    assert queue["open_cases"] > queue["limit"] == queue["returned"] == queue["cli_shown"] == 50
    assert queue["same_as_exhaustive"] is True
    assert queue["query_seconds_median"] > 0 and queue["cli_seconds_median"] > 0
    assert queue["plan"]["walk (per status)"]

    cards = results["cards"]["sqlite"]
    assert cards["posts"] == cards["cards"] == 5
    assert cards["single_latency_ms_median"] > 0 and cards["cards_per_s"] > 0
    assert cards["baseline_raw_posts_per_s"] > 0 and cards["ratio"] > 0

    memory = results["memory"]["sqlite"]
    assert memory["baseline_one_line_peak_rss_mib"] > 0
    # py3langid's model is a one-time cost the probe that needs it shows on its own.
    assert memory["baseline_langid_peak_rss_mib"] > memory["baseline_one_line_peak_rss_mib"]
    assert [row["size"] for row in memory["sizes"]] == [300]
    assert memory["sizes"][0]["peak_rss_mib"] > 0 and memory["sizes"][0]["stored"] > 0

    report = results["report"]["sqlite"]
    assert report["mentions"] > 0 and report["mentions_in_day"] > 0
    assert report["seconds"] > 0 and len(report["runs"]) >= 1
