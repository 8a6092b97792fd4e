"""Monitor: claimwatch as people run it.

Holds config loading and validation, claims files and the page importer, the check
pipeline (sources due → fetch → store → rules → flags → alerts), the digest and alert
jobs, the scheduler daemon and its run locking, and the ``claimwatch`` command line.

May import: everything of claimwatch (``sources``, ``rules``, ``storage``, ``reports``).
"""
