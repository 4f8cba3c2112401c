"""Weekly INFNet retrain on a rolling window, promoted only if it is no worse than production.

The run of logical date W covers the week W..W+6 and starts after it, once the nightly run of W+6 (= L, the last day
built) has finished (ExternalTaskSensor). Windows, from infnet_train_days = N (Variable, default 28):

    train  L-N+1 .. L-2      split.train_start, split.train_end
    valid  L-1               split.valid_end (early stopping)
    test   L                 split.test_end: evaluate and the promotion gate compare both models on it

    wait for nightly L -> train (registered as the model's latest version) -> evaluate it on L
      -> promote --gate: exits 1 and leaves production as it is when a task's AUC drops more than
         promote.max_auc_drop; every decision is appended to the promotions table

The split keys are the reading jobs' own (the feature build's split column is not read); vocabularies stay the ones
the last full build fitted, so both models are compared on one encoding. Refreshing vocabularies is a full rebuild and
retrain by hand (docs/FEATURE_TABLES.md, "Day by day"), not part of this DAG.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow import DAG
from airflow.sensors.external_task import ExternalTaskSensor

from infnet_commands import TRAIN_DAYS, ds_add, default_args, infnet, lake_task

LAST_DAY = 6  # the week's last day, W+6: the newest day the nightly DAG has built when this run starts

WINDOW = (
    f"split.train_start={ds_add(LAST_DAY - TRAIN_DAYS + 1)}",
    f"split.train_end={ds_add(LAST_DAY - 2)}",
    f"split.valid_end={ds_add(LAST_DAY - 1)}",
    f"split.test_end={ds_add(LAST_DAY)}",
)

with DAG(
    dag_id="infnet_weekly_retrain",
    description="Train on a rolling window, evaluate, promote only if no task's AUC drops",
    schedule="0 2 * * 0",
    start_date=datetime(2026, 1, 4, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=20),
    default_args=default_args(sla=timedelta(hours=12)),
    tags=["infnet"],
) as dag:
    nightly_done = ExternalTaskSensor(
        task_id="wait_for_nightly",
        external_dag_id="infnet_nightly",
        external_task_id="score_candidates",
        execution_delta=timedelta(days=-LAST_DAY),  # the nightly run of W+6
        mode="reschedule",
        timeout=int(timedelta(hours=12).total_seconds()),
    )
    train = lake_task("train", infnet("train", sets=WINDOW))
    evaluate = lake_task("evaluate", infnet("evaluate", sets=(*WINDOW, "score.model=latest", "evaluate.split=test")))
    # A refusal is a decision, not a failure to retry: the same rows would give the same answer.
    promote = lake_task("promote", infnet("promote", "--gate", sets=(*WINDOW, "promote.split=test")), retries=0)
    nightly_done >> train >> evaluate >> promote
