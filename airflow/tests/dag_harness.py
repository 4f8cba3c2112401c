"""Loads the INFNet DAG files without Airflow and prints what Airflow would run, as JSON.

    python3 airflow/tests/dag_harness.py --ds 2022-04-18 [--var name=value ...] airflow/dags/infnet_nightly.py ...

Airflow is not installed here, so a minimal stand-in of the few Airflow names the DAGs import (DAG, Variable,
BashOperator, ExternalTaskSensor) is put into sys.modules first. It records what the DAG declares (schedule,
max_active_runs, default_args, per task: upstreams, pool, retries, SLA, trigger rule) and renders every bash_command
for the logical date --ds with exactly the template expressions the DAGs use: {{ ds }}, {{ ds_nodash }} and
{{ macros.ds_add(ds, N) }}. Any other template expression is an error, so a DAG cannot use a macro this renderer
does not know. Output: {"dags": [...]}, tasks in topological order (declaration order among equals).
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import re
import sys
import types
from pathlib import Path

_current_dag = []
_variables: dict[str, str] = {}


class TemplateError(ValueError):
    pass


def render(template: str, ds: str) -> str:
    """Renders the three known expressions; anything else between {{ }} or {% %} is an error."""
    if "{%" in template or "{#" in template:
        raise TemplateError(f"unsupported Jinja block in: {template}")

    def expression(match: re.Match) -> str:
        expr = match.group(1).strip()
        if expr == "ds":
            return ds
        if expr == "ds_nodash":
            return ds.replace("-", "")
        add = re.fullmatch(r"macros\.ds_add\(\s*ds\s*,\s*(-?\d+)\s*\)", expr)
        if add:
            return (dt.date.fromisoformat(ds) + dt.timedelta(days=int(add.group(1)))).isoformat()
        raise TemplateError(f"unknown template expression '{{{{ {expr} }}}}' in: {template}")

    rendered = re.sub(r"\{\{(.*?)\}\}", expression, template)
    if "{{" in rendered or "}}" in rendered:
        raise TemplateError(f"unbalanced template braces in: {template}")
    return rendered


def _seconds(value):
    return None if value is None else value.total_seconds()


class DAG:
    def __init__(self, dag_id, schedule=None, default_args=None, max_active_runs=16, **kwargs):
        self.dag_id, self.schedule, self.max_active_runs = dag_id, schedule, max_active_runs
        self.default_args = dict(default_args or {})
        self.kwargs = kwargs
        self.tasks = []

    def __enter__(self):
        _current_dag.append(self)
        return self

    def __exit__(self, *exc):
        _current_dag.pop()
        return False


class BaseOperator:
    def __init__(self, task_id, pool=None, trigger_rule="all_success", **kwargs):
        dag = _current_dag[-1] if _current_dag else None
        if dag is None:
            raise RuntimeError(f"task {task_id} declared outside a DAG")
        settings = {**dag.default_args, **kwargs}
        self.task_id, self.pool, self.trigger_rule = task_id, pool, trigger_rule
        self.retries = settings.get("retries", 0)
        self.retry_delay = settings.get("retry_delay")
        self.sla = settings.get("sla")
        self.upstream: list[str] = []
        self.kwargs = kwargs
        dag.tasks.append(self)

    def __rshift__(self, other):
        other.upstream.append(self.task_id)
        return other

    def describe(self, ds):
        return {"task_id": self.task_id, "upstream": self.upstream, "pool": self.pool, "retries": self.retries,
                "retry_delay_s": _seconds(self.retry_delay), "sla_s": _seconds(self.sla), "trigger_rule": self.trigger_rule}


class BashOperator(BaseOperator):
    def __init__(self, task_id, bash_command, env=None, append_env=False, **kwargs):
        super().__init__(task_id, **kwargs)
        self.bash_command, self.env, self.append_env = bash_command, env or {}, append_env

    def describe(self, ds):
        return {**super().describe(ds), "kind": "bash", "bash_command": render(self.bash_command, ds), "env": self.env}


class ExternalTaskSensor(BaseOperator):
    def __init__(self, task_id, external_dag_id, external_task_id=None, execution_delta=None, **kwargs):
        super().__init__(task_id, **kwargs)
        self.external_dag_id, self.external_task_id = external_dag_id, external_task_id
        self.execution_delta = execution_delta or dt.timedelta(0)

    def describe(self, ds):
        waits_for = dt.date.fromisoformat(ds) - self.execution_delta
        return {**super().describe(ds), "kind": "sensor", "external_dag_id": self.external_dag_id,
                "external_task_id": self.external_task_id, "external_ds": waits_for.isoformat()}


class Variable:
    @staticmethod
    def get(key, default_var=None):
        if key in _variables:
            return _variables[key]
        if default_var is None:
            raise KeyError(f"Variable {key} does not exist")
        return default_var


def install_fake_airflow():
    modules = {
        "airflow": {"DAG": DAG},
        "airflow.models": {"Variable": Variable, "DAG": DAG, "BaseOperator": BaseOperator},
        "airflow.operators": {},
        "airflow.operators.bash": {"BashOperator": BashOperator},
        "airflow.sensors": {},
        "airflow.sensors.external_task": {"ExternalTaskSensor": ExternalTaskSensor},
    }
    for name, attrs in modules.items():
        module = types.ModuleType(name)
        module.__dict__.update(attrs)
        sys.modules[name] = module


def load_dags(path: Path) -> list[DAG]:
    sys.path.insert(0, str(path.parent))  # Airflow puts the dags folder on sys.path: shared modules import
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [v for v in vars(module).values() if isinstance(v, DAG)]


def topological(tasks):
    done, ordered = set(), []
    while len(ordered) < len(tasks):
        ready = [t for t in tasks if t.task_id not in done and all(u in done for u in t.upstream)]
        if not ready:
            raise ValueError("the task graph has a cycle: " + ", ".join(t.task_id for t in tasks if t.task_id not in done))
        ordered.append(ready[0])
        done.add(ready[0].task_id)
    return ordered


def describe(dag: DAG, ds: str) -> dict:
    args = dag.default_args
    return {
        "dag_id": dag.dag_id, "schedule": dag.schedule, "max_active_runs": dag.max_active_runs,
        "catchup": dag.kwargs.get("catchup"), "dagrun_timeout_s": _seconds(dag.kwargs.get("dagrun_timeout")),
        "default_args": {"retries": args.get("retries"), "retry_delay_s": _seconds(args.get("retry_delay")),
                         "sla_s": _seconds(args.get("sla"))},
        "ds": ds, "tasks": [t.describe(ds) for t in topological(dag.tasks)],
    }


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ds", required=True, help="logical date yyyy-MM-dd")
    parser.add_argument("--var", action="append", default=[], help="Airflow Variable name=value")
    parser.add_argument("dag_files", nargs="+")
    args = parser.parse_args(argv)
    dt.date.fromisoformat(args.ds)
    for v in args.var:
        name, _, value = v.partition("=")
        _variables[name] = value
    install_fake_airflow()
    dags = [describe(d, args.ds) for f in args.dag_files for d in load_dags(Path(f).resolve())]
    json.dump({"dags": dags}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main(sys.argv[1:])
