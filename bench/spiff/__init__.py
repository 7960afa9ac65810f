"""SpiffWorkflow as a peer of duban in ``bench/engine_bench.py``: the same 4-step approval
flow run (a) by its BPMN engine from ``approval.bpmn`` and (b) by its core (non-BPMN)
specs built in Python.

How it is used, as SpiffWorkflow's documentation shows: the specification is parsed or
built ONCE; each item is one workflow instance; the application completes the ready
user (manual) task when a person acts, after checking the person's role against the
task's lane (BPMN) or the role written in the task spec's data (core), then lets the
engine run (``do_engine_steps`` / ``run_all``). Domain work — the deadline, the penalty
ledger — is the application's, so it is passed in as ``on_complete`` and is the same
code for every peer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.specs.Simple import Simple
from SpiffWorkflow.specs.WorkflowSpec import WorkflowSpec
from SpiffWorkflow.util.task import TaskState
from SpiffWorkflow.workflow import Workflow

BPMN_FILE = Path(__file__).with_name("approval.bpmn")
PROCESS_ID = "approval_flow"
#: (task spec name, role) of the flow, in order — the lanes of approval.bpmn.
TASKS = (("create", "supervisor_office"), ("approve_opening", "leader_in_charge"),
         ("report", "lead_department"), ("approve_review", "supervisor_office"))

#: (task spec name, actor role, instant) — one person acting.
Step = tuple[str, str, Any]
OnComplete = Callable[[str, Any, dict[str, Any]], None]


class Refused(Exception):
    """The acting role does not hold the ready task's lane."""


def bpmn_spec() -> Any:
    """The workflow spec parsed from approval.bpmn (do this once)."""
    parser = BpmnParser()
    parser.add_bpmn_file(str(BPMN_FILE))
    return parser.get_spec(PROCESS_ID)


def core_spec() -> WorkflowSpec:
    """The same flow with SpiffWorkflow's core specs: four manual ``Simple`` tasks."""
    spec = WorkflowSpec("approval", addstart=True)
    previous: Any = spec.start
    for name, role in TASKS:
        task = Simple(spec, name, manual=True, data={"role": role})
        previous.connect(task)
        previous = task
    return spec


def run_bpmn(spec: Any, steps: Sequence[Step], on_complete: OnComplete) -> dict[str, Any]:
    """One item through the BPMN engine; returns the workflow's data."""
    wf = BpmnWorkflow(spec)
    wf.do_engine_steps()
    for name, role, at in steps:
        task = wf.get_next_task(state=TaskState.READY, manual=True)
        if task is None or task.task_spec.name != name or task.task_spec.lane != role:
            raise Refused(f"{role} may not complete {name}")
        on_complete(name, at, task.data)
        task.run()
        wf.do_engine_steps()
    assert wf.completed
    return wf.data


def run_core(spec: WorkflowSpec, steps: Sequence[Step], on_complete: OnComplete
             ) -> dict[str, Any]:
    """One item through the core (non-BPMN) engine; returns the last task's data."""
    wf = Workflow(spec)
    wf.run_all()
    data: dict[str, Any] = {}
    for name, role, at in steps:
        task = wf.get_next_task(state=TaskState.READY, manual=True)
        if task is None or task.task_spec.name != name or \
                task.task_spec.get_data("role") != role:
            raise Refused(f"{role} may not complete {name}")
        on_complete(name, at, task.data)
        data = task.data
        task.run()
        wf.run_all()
    assert wf.is_completed()
    return data
