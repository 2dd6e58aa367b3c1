"""State machines: one owner per stateful model (Indico's `Registration.update_state`).

Each model declares its machine once: the transitions it allows, the word for each state and
the audit action of each move. Every state change goes through `StateMachine.move`, which
refuses a move the machine does not allow, sets the state and writes the audit event; the
templates read the words from the same machine.
"""
from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping

from . import audit
from .rules import StateError


class StateMachine:
    def __init__(self, states: type[enum.Enum], transitions: Mapping[enum.Enum, Iterable[enum.Enum]],
                 labels: Callable[[], Mapping[enum.Enum, str]], action: str, attribute: str = "state"):
        """`transitions` maps each state to the states it may move to; `labels` returns the
        words in the reader's language (called at render time); `action` prefixes the audit
        action (`request` gives `request.granted`)."""
        self.states = states
        self.transitions = {state: frozenset(to) for state, to in transitions.items()}
        self._labels = labels
        self.action = action
        self.attribute = attribute

    def can(self, obj, to: enum.Enum) -> bool:
        return to in self.transitions.get(getattr(obj, self.attribute), ())

    def sources(self, to: enum.Enum) -> frozenset:
        """The states from which `to` can be reached."""
        return frozenset(state for state, targets in self.transitions.items() if to in targets)

    def move(self, obj, to: enum.Enum, *, actor=None, actor_label: str | None = None,
             action: str | None = None, audit_subject=None, events: list[dict] | None = None, **details) -> None:
        """Move `obj` to `to` and audit it as `<action prefix>.<action or to.value>`;
        raise StateError when the machine does not allow it. With `events`, the audit event
        is appended there (for `audit.record_all`) instead of added to the session."""
        before = getattr(obj, self.attribute)
        if not self.can(obj, to):
            raise StateError(f"{self.action}: {before} -> {to}")
        setattr(obj, self.attribute, to)
        event = audit.values(f"{self.action}.{action or to.value}", audit_subject or obj, actor=actor,
                             actor_label=actor_label, from_state=before.value, to_state=to.value, **details)
        if events is None:
            audit.add(event)
        else:
            events.append(event)

    def label(self, state: enum.Enum | str | None) -> str:
        """The word for a state, given as the enum or its stored value; '' for None."""
        if state is None:
            return ""
        if not isinstance(state, self.states):
            try:
                state = self.states(state)
            except ValueError:
                return str(state)
        return self._labels()[state]

    def choices(self) -> list[tuple[str, str]]:
        return [(state.value, self.label(state)) for state in self.states]
