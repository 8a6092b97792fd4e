"""Reports: what claimwatch tells people, and how it reaches them.

Holds the Jinja2 templates (``templates/``), the plain data a report is rendered from
(``model``: the weekly digest and the alert) and the queries that fill it (``gather``),
the renderer that turns them into text and autoescaped HTML (``render``), email
building and sending over SMTP (``mail``), the static dashboard with its annotated page
and SVG charts (``dashboard``, ``pagemark``, ``charts``), and made-up reports for
``claimwatch test-report`` (``samples``).

May import: ``storage``, and the plain types of ``rules`` and ``sources`` (as-of dates,
durations, fetch outcome categories).
"""
