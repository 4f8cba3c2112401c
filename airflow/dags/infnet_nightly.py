"""Nightly INFNet feature build and batch scoring.

Runs the platform's own launcher, so the DAG and a hand-typed command do exactly the same thing:

    features  (vocabularies frozen: ids stay stable for the production model)
      -> score  (production model, the run's logical date only)

Airflow Variables (all optional):
    infnet_home     checkout of this repository, built with bin/setup   (default: /opt/infnet)
    infnet_config   YAML config passed with --config                     (default: <infnet_home>/conf/infnet.yaml)
    infnet_master   Spark master, e.g. spark://host:7077 or yarn          (default: local[*])
    spark_home      a Spark distribution; unset = the Spark home assembled by the build
"""
from __future__ import annotations

import pendulum
from airflow import DAG
from airflow.models import Variable
from airflow.operators.bash import BashOperator

INFNET_HOME = Variable.get("infnet_home", default_var="/opt/infnet")
CONFIG = Variable.get("infnet_config", default_var=f"{INFNET_HOME}/conf/infnet.yaml")
MASTER = Variable.get("infnet_master", default_var="local[*]")
SPARK_HOME = Variable.get("spark_home", default_var="")

ENV = {"SPARK_HOME": SPARK_HOME} if SPARK_HOME else {}


def infnet(job: str, *sets: str) -> str:
    """The bin/infnet command line for one job; every run records its effective config with its output."""
    overrides = " ".join(f"--set '{s}'" for s in sets)
    return f"{INFNET_HOME}/bin/infnet {job} --config {CONFIG} --master '{MASTER}' {overrides}"


with DAG(
    dag_id="infnet_nightly",
    description="Build INFNet features and write per-task predictions for the day",
    schedule="0 2 * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,  # feature builds replace date partitions: never two at once
    default_args={"retries": 2, "retry_delay": pendulum.duration(minutes=10)},
    tags=["infnet"],
) as dag:
    features = BashOperator(
        task_id="build_features",
        bash_command=infnet("features", "features.freeze_vocabulary=true"),
        env=ENV,
        append_env=True,
    )
    score = BashOperator(
        task_id="score",
        bash_command=infnet(
            "score",
            "score.model=production",
            "score.split=all",
            "score.from_date={{ ds }}",
            "score.to_date={{ ds }}",
        ),
        env=ENV,
        append_env=True,
    )
    features >> score
