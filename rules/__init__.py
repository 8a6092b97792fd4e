"""Rules: judging what a page asserts against what the sources found.

Holds the claim and verdict types, as-of dates with their precision, durations,
model-name version parsing, one module per rule (``age``, ``superseded``, ``license``,
``released``, ``exists``, ``mention``), the rule registry and the engine that indexes
findings and runs every rule. Rules are pure: claims, findings and ``now`` in,
verdicts out; no network, no database.

May import: ``sources`` (the Finding type).
"""
