"""Reports: what claimwatch tells people, and how it reaches them.

Holds the Jinja2 templates (``templates/``), the plain data a report is rendered from
(``model``: the weekly digest and the alert), the renderer that turns them into text
and autoescaped HTML (``render``), email building and sending over SMTP (``mail``), and
made-up reports for ``claimwatch test-report`` (``samples``).

May import: ``storage``.
"""
