"""What the INFNet DAGs share: Airflow Variables, the landing folder layout, the bin/infnet command lines, retries.

Every task runs the platform's own launcher, so a DAG task and a hand-typed command do exactly the same thing.

Airflow Variables (all optional):
    infnet_home         checkout of this repository, built with bin/setup   (default: /opt/infnet)
    infnet_config       YAML config passed with --config                    (default: <infnet_home>/conf/infnet.yaml)
    infnet_master       Spark master, e.g. spark://host:7077 or yarn         (default: local[*])
    spark_home          a Spark distribution; unset = the Spark home assembled by the build
    infnet_landing      the landing folder (any Hadoop path)                 (default: <infnet_home>/landing)
    infnet_landing_ext  file suffix of the delivered files: .parquet, .csv   (default: .parquet)
    infnet_train_days   days of the weekly retrain's rolling window: train, then 1 validation day, then 1 test day
                        (default: 28)

Landing folder layout, one folder per day yyyy-MM-dd, delivered before the nightly run of that day:
    <landing>/<day>/log<ext>         the day's impressions (RawSchemas.LOG)                     required
    <landing>/<day>/users<ext>       users added or changed that day (MERGE by user_id)         optional
    <landing>/<day>/videos<ext>      videos added or changed that day (MERGE by video_id)       optional
    <landing>/<day>/candidates<ext>  requests of that day to rank (RawSchemas.CANDIDATES)       required by the night before

Lake writes: every task that writes the lake runs in the Airflow pool LAKE_POOL (create it with one slot:
`airflow pools set infnet_lake 1 "INFNet lake writers"`), so at most one of them runs at a time across both DAGs;
the weekly retrain also waits for that night's nightly run (ExternalTaskSensor), so it trains on that night's features.
"""
from __future__ import annotations

import shlex
from datetime import timedelta

from airflow.models import Variable
from airflow.operators.bash import BashOperator

LAKE_POOL = "infnet_lake"

HOME = Variable.get("infnet_home", default_var="/opt/infnet")
CONFIG = Variable.get("infnet_config", default_var=f"{HOME}/conf/infnet.yaml")
MASTER = Variable.get("infnet_master", default_var="local[*]")
SPARK_HOME = Variable.get("spark_home", default_var="")
LANDING = Variable.get("infnet_landing", default_var=f"{HOME}/landing")
LANDING_EXT = Variable.get("infnet_landing_ext", default_var=".parquet")
TRAIN_DAYS = int(Variable.get("infnet_train_days", default_var="28"))

# The logical date's day and its neighbours, as Airflow templates (rendered at run time).
DS = "{{ ds }}"


def ds_add(days: int) -> str:
    """The logical date plus `days` days (yyyy-MM-dd), as a template."""
    return DS if days == 0 else "{{ macros.ds_add(ds, %d) }}" % days


def landing_file(day: str, name: str) -> str:
    """<landing>/<day>/<name><ext>: one delivered file of one day."""
    return f"{LANDING}/{day}/{name}{LANDING_EXT}"


def infnet(job: str, *flags: str, sets: tuple[str, ...] = ()) -> str:
    """The bin/infnet command line of one job: its flags, then --set overrides; quoted for bash."""
    words = [f"{HOME}/bin/infnet", job, "--config", CONFIG, "--master", MASTER, *flags]
    for s in sets:
        words += ["--set", s]
    # Templates stay unquoted-safe: "{{ ds }}" has spaces, so every word is quoted as a whole.
    return " ".join(shlex.quote(w) for w in words)


def default_args(sla: timedelta) -> dict:
    """Retries for transient failures (a cluster hiccup, a file that lands a little late)."""
    return {"owner": "infnet", "retries": 2, "retry_delay": timedelta(minutes=10), "sla": sla}


def lake_task(task_id: str, command: str, **kwargs) -> BashOperator:
    """A task that writes the lake: in the one-slot pool, so no other lake writer runs at the same time."""
    env = {"SPARK_HOME": SPARK_HOME} if SPARK_HOME else {}
    return BashOperator(task_id=task_id, bash_command=command, env=env, append_env=True, pool=LAKE_POOL, **kwargs)
