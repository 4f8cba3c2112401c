"""Nightly INFNet loop for logical date D: take in day D, build its features, score the requests of D+1.

    ingest D  (raw/log partition D replaced; users/videos MERGEd when delivered)
      -> features --date=D  (stored vocabularies: ids stay stable for the production model; widened back to days
                             re-ingested late and forward over the days built after them)
      -> score the candidates of D+1 with the production model  (runs even when the day could not be taken in:
                             the requests are scored from the history up to the last built day, and the job says
                             STALE; the failed task stays red)

Variables, landing layout and the lake pool: infnet_commands.py. A rerun of a night (clear, or a backfill after a
late delivery) gives the same tables: each job replaces exactly its day(s).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow import DAG

from infnet_commands import DS, ds_add, default_args, infnet, lake_task, landing_file

with DAG(
    dag_id="infnet_nightly",
    description="Ingest day D, build its features, score the candidates of D+1 with the production model",
    schedule="0 2 * * *",
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,  # one night at a time: day D+1's features read the sequence state day D leaves
    dagrun_timeout=timedelta(hours=6),
    default_args=default_args(sla=timedelta(hours=3)),
    tags=["infnet"],
) as dag:
    ingest = lake_task(
        "ingest",
        infnet("ingest", f"--date={DS}", f"--log={landing_file(DS, 'log')}", f"--users={landing_file(DS, 'users')}",
               f"--videos={landing_file(DS, 'videos')}", "--optional-profiles"),
    )
    features = lake_task("features", infnet("features", f"--date={DS}"))
    score = lake_task(
        "score_candidates",
        infnet("score", f"--candidates={landing_file(ds_add(1), 'candidates')}", sets=("score.model=production",)),
        trigger_rule="all_done",
    )
    ingest >> features >> score
